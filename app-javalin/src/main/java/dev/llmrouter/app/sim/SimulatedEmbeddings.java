package dev.llmrouter.app.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrouter.domain.money.TokenUsage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The answer of a simulated embedding deployment, shaped as Azure OpenAI's: one {@code embedding}
 * object per input, in input order, each a unit vector of {@code dimensions} floats (1,536 when the
 * caller asks for none, as text-embedding-3-small gives), as a JSON array or, with
 * {@code encoding_format: base64}, as the base64 of its little-endian float32 bytes, as OpenAI sends.
 *
 * <p>Vectors are deterministic: each is drawn from a generator seeded by its input's text (or token
 * ids), so the same input always gets the same vector and a test or a demo can compare two calls.
 * Prompt tokens are about four UTF-8 bytes per token for a text and exactly the count of a token
 * array, like the chat simulation's estimate.
 */
final class SimulatedEmbeddings {

    static final int DEFAULT_DIMENSIONS = 1536;
    /** text-embedding-3's largest vector; a larger request is refused as Azure refuses it. */
    static final int MAX_DIMENSIONS = 3072;

    private SimulatedEmbeddings() {}

    /** An input as the deployment reads it: its text (token ids joined) and its tokens. */
    private record Input(String key, long tokens) {}

    /**
     * @return the answer's JSON and its usage, or {@code null} when {@code dimensions} is out of range
     */
    static Answer answer(ObjectMapper json, JsonNode request, String model) {
        int dimensions = request.path("dimensions").asInt(DEFAULT_DIMENSIONS);
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            return null;
        }
        boolean base64 = "base64".equals(request.path("encoding_format").asText("float"));
        List<Input> inputs = inputs(request.path("input"));
        ObjectNode n = json.createObjectNode();
        n.put("object", "list");
        ArrayNode data = n.putArray("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            tokens += input.tokens();
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            float[] vector = vector(input.key(), dimensions);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * dimensions).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : vector) {
                    bytes.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float f : vector) {
                    values.add(f);
                }
            }
        }
        n.put("model", model);
        ObjectNode usage = n.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        return new Answer(n, new TokenUsage(tokens, 0));
    }

    record Answer(ObjectNode body, TokenUsage usage) {}

    private static List<Input> inputs(JsonNode input) {
        List<Input> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(text(input.asText()));
        } else if (input.isArray() && input.size() > 0 && input.get(0).isIntegralNumber()) {
            out.add(new Input(input.toString(), input.size()));
        } else {
            for (JsonNode element : input) {
                out.add(element.isArray() ? new Input(element.toString(), element.size()) : text(element.asText("")));
            }
        }
        return out;
    }

    private static Input text(String text) {
        return new Input(text, Math.max(1, SimulatedChatEndpoint.textTokens(text)));
    }

    /** A unit vector drawn from a generator seeded by the input, so equal inputs get equal vectors. */
    static float[] vector(String key, int dimensions) {
        long seed = 1125899906842597L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            seed = 31 * seed + b;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            double x = random.nextDouble(-1, 1);
            v[i] = (float) x;
            norm += x * x;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            v[i] *= scale;
        }
        return v;
    }
}

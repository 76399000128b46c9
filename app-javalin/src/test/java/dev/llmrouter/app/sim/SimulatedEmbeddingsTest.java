package dev.llmrouter.app.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.EndpointException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.1 and 3.5: the embedded default's simulated embedding deployment answers in Azure's
 * shape, one unit vector per input of the requested dimensions (1,536 by default), the same vector for
 * the same input, as base64 of little-endian float32 when asked, usage counting the inputs (a token
 * array exactly), and refuses dimensions the model does not have as Azure does, with a 400.
 */
@DisplayName("Requirement 8.1: the simulated embedding deployment")
class SimulatedEmbeddingsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ModelSpec MODEL = ExampleCatalog.create().model("text-embedding-3-small").orElseThrow();
    static final Candidate CANDIDATE = new Candidate(Fixtures.deployment("text-embedding-3-small-eastus",
            "text-embedding-3-small", Fixtures.EASTUS, ChainRole.PRIMARY), MODEL, MODEL.tier(), false);
    final SimulatedChatEndpoint endpoint = new SimulatedChatEndpoint(SimulationProfile.instant(1),
            InstantSource.fixed(Instant.parse("2026-01-02T03:04:05Z")), Pacer.NONE);

    ChatReply embed(String body) {
        ChatRequest request = new ChatRequest(ChatOperation.EMBEDDINGS, body.getBytes(StandardCharsets.UTF_8), false, false, 0, 0);
        return endpoint.complete(new ChatCall(CANDIDATE, request, 0, Duration.ofSeconds(5), "req-1"));
    }

    static JsonNode json(ChatReply reply) throws Exception {
        return JSON.readTree(reply.body());
    }

    static double norm(JsonNode vector) {
        double sum = 0;
        for (JsonNode x : vector) {
            sum += x.asDouble() * x.asDouble();
        }
        return Math.sqrt(sum);
    }

    @Test
    void one_unit_vector_per_input_in_order_of_the_requested_dimensions() throws Exception {
        ChatReply reply = embed("{\"input\":[\"alpha\",\"beta\",\"alpha\"],\"dimensions\":48}");

        JsonNode body = json(reply);
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(body.path("data")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode item = body.path("data").get(i);
            assertThat(item.path("object").asText()).isEqualTo("embedding");
            assertThat(item.path("index").asInt()).isEqualTo(i);
            assertThat(item.path("embedding")).hasSize(48);
            assertThat(norm(item.path("embedding"))).isCloseTo(1.0, within(1e-5));
        }
        assertThat(body.at("/data/0/embedding")).isEqualTo(body.at("/data/2/embedding")).isNotEqualTo(body.at("/data/1/embedding"));
        assertThat(reply.usage().outputTokens()).isZero();
        // about four UTF-8 bytes per token: "alpha" 2, "beta" 1, "alpha" 2
        assertThat(reply.usage().inputTokens()).isEqualTo(body.at("/usage/prompt_tokens").asLong()).isEqualTo(5);
        assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(5);
    }

    @Test
    void the_default_is_1536_dimensions_and_a_token_array_counts_its_length() throws Exception {
        JsonNode body = json(embed("{\"input\":[5,6,7,8,9]}"));

        assertThat(body.path("data")).hasSize(1);
        assertThat(body.at("/data/0/embedding")).hasSize(1536);
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(5);
    }

    @Test
    void base64_is_the_little_endian_float32_bytes_of_the_same_vector() throws Exception {
        JsonNode floats = json(embed("{\"input\":\"same text\",\"dimensions\":16}")).at("/data/0/embedding");
        String base64 = json(embed("{\"input\":\"same text\",\"dimensions\":16,\"encoding_format\":\"base64\"}"))
                .at("/data/0/embedding").asText();

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(16 * 4);
        for (int i = 0; i < 16; i++) {
            assertThat(bytes.getFloat()).isEqualTo(floats.get(i).floatValue());
        }
    }

    @Test
    void dimensions_beyond_the_model_are_refused_as_azure_refuses_them() {
        assertThatThrownBy(() -> embed("{\"input\":\"x\",\"dimensions\":4096}"))
                .isInstanceOfSatisfying(EndpointException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(FailureKind.BAD_REQUEST);
                    assertThat(e.failure().status()).isEqualTo(400);
                });
    }
}

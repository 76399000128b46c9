package dev.llmrouter.adapters.azure;

import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Counts a prompt's tokens with the model's real tokenizer (jtokkit), before the call (Requirement 2.6).
 *
 * <p><b>Chat format.</b> As OpenAI documents for the GPT-3.5-turbo/GPT-4/GPT-4o chat format: every
 * message costs 3 tokens of framing ({@code <|start|>role<|message|>...<|end|>}) plus the tokens of
 * each of its string fields (role, content, name, ...), a {@code name} one more; the reply is primed
 * with 3 more. Tool definitions and tool calls are counted as the tokens of their JSON text (OpenAI
 * does not publish their exact framing, so this is an estimate).
 *
 * <p><b>Images</b> (GPT-4o / GPT-4 Turbo class): {@code low} detail costs 85 tokens; {@code high} or
 * {@code auto}: the image is scaled to fit within 2048×2048, then its shortest side to 768 px, and
 * costs 85 + 170 per 512-px tile. Dimensions are read from base64 data URLs; an image whose size is
 * unknown (a remote URL) is charged the most its detail level can cost: 85 for low, 85 + 170 × 8 =
 * 1445 for high/auto (a 2048×768 image is the worst case).
 *
 * <p><b>The bound.</b> {@link PromptEstimate#maxTokens()} is the body's length in bytes plus the
 * image maxima: a BPE token covers at least one byte, and each message's JSON syntax has more bytes
 * than its 3-token framing, so the real count cannot exceed it. {@code expectedTokens} is the count.
 */
public final class TokenizerEstimator implements PromptTokenEstimator {

    static final int TOKENS_PER_MESSAGE = 3;
    static final int TOKENS_PER_NAME = 1;
    static final int REPLY_PRIMING = 3;
    static final int IMAGE_BASE = 85;
    static final int IMAGE_PER_TILE = 170;
    static final int IMAGE_MAX_TILES = 8;

    /**
     * Loads the rank tables of {@code encodings} now (each takes a noticeable moment), so that the first
     * requests after start-up do not queue behind the loading.
     */
    public TokenizerEstimator preload(java.util.Collection<TokenEncoding> encodings) {
        encodings.forEach(Tokenizers::of);
        return this;
    }

    @Override
    public PromptEstimate estimate(ChatRequest request, TokenEncoding encoding) {
        long bytes = request.body().length;
        Count count;
        try {
            Map<String, Object> root = Json.object(Json.parse(request.body()));
            count = request.operation() == ChatOperation.TEXT_COMPLETION
                    ? countPrompt(root, encoding) : countChat(root, encoding);
        } catch (RuntimeException unreadable) {
            // The deployment will refuse it anyway; estimate by bytes so admission still has a figure.
            long images = (long) request.imageCount() * maxImageTokens("high");
            return new PromptEstimate(bytes / 4 + images, bytes + images);
        }
        long max = Math.max(Math.addExact(bytes, count.imageMax), count.tokens);
        return new PromptEstimate(count.tokens, max);
    }

    /** Tokens of a chat request's messages (and tools), as the chat format frames them. */
    public long countMessages(List<?> messages, TokenEncoding encoding) {
        Count c = new Count();
        countMessages(messages, encoding, c);
        return c.tokens;
    }

    private static final class Count {
        long tokens;
        long imageMax;
    }

    private Count countChat(Map<String, Object> root, TokenEncoding encoding) {
        Count c = new Count();
        countMessages(Json.array(root.get("messages")), encoding, c);
        Object tools = root.get("tools");
        if (tools == null) {
            tools = root.get("functions");
        }
        if (tools instanceof List<?> list && !list.isEmpty()) {
            c.tokens += Tokenizers.count(encoding, JsonText.write(list));
        }
        return c;
    }

    private void countMessages(List<?> messages, TokenEncoding encoding, Count c) {
        for (Object m : messages) {
            c.tokens += TOKENS_PER_MESSAGE;
            for (Map.Entry<String, Object> field : Json.object(m).entrySet()) {
                Object value = field.getValue();
                if (value instanceof String s) {
                    c.tokens += Tokenizers.count(encoding, s);
                    if (field.getKey().equals("name")) {
                        c.tokens += TOKENS_PER_NAME;
                    }
                } else if (field.getKey().equals("content") && value instanceof List<?> parts) {
                    countParts(parts, encoding, c);
                } else if (value instanceof List<?> || value instanceof Map<?, ?>) {
                    c.tokens += Tokenizers.count(encoding, JsonText.write(value)); // tool_calls, function_call
                }
            }
        }
        c.tokens += REPLY_PRIMING;
    }

    private void countParts(List<?> parts, TokenEncoding encoding, Count c) {
        for (Object p : parts) {
            Map<String, Object> part = Json.object(p);
            String type = Json.string(part.get("type"));
            if (type.equals("image_url")) {
                Map<String, Object> image = Json.object(part.get("image_url"));
                String detail = Json.string(image.get("detail"));
                String url = Json.string(image.get("url"));
                c.tokens += imageTokens(url, detail);
                c.imageMax += maxImageTokens(detail);
            } else {
                c.tokens += Tokenizers.count(encoding, Json.string(part.get("text")));
            }
        }
    }

    private Count countPrompt(Map<String, Object> root, TokenEncoding encoding) {
        Count c = new Count();
        Object prompt = root.get("prompt");
        if (prompt instanceof List<?> list) {
            for (Object p : list) {
                c.tokens += p instanceof String s ? Tokenizers.count(encoding, s) : 1;
            }
        } else {
            c.tokens += Tokenizers.count(encoding, Json.string(prompt));
        }
        return c;
    }

    /** The most an image of this detail level can cost. */
    static long maxImageTokens(String detail) {
        return "low".equalsIgnoreCase(detail) ? IMAGE_BASE : IMAGE_BASE + (long) IMAGE_PER_TILE * IMAGE_MAX_TILES;
    }

    static long imageTokens(String url, String detail) {
        if ("low".equalsIgnoreCase(detail)) {
            return IMAGE_BASE;
        }
        int[] size = dataUrlSize(url);
        return size == null ? maxImageTokens(detail) : tileTokens(size[0], size[1]);
    }

    /** The high-detail tile rule for an image of the given pixel size. */
    public static long tileTokens(int width, int height) {
        if (width <= 0 || height <= 0) {
            return IMAGE_BASE + (long) IMAGE_PER_TILE * IMAGE_MAX_TILES;
        }
        double w = width;
        double h = height;
        if (w > 2048 || h > 2048) { // fit within 2048 x 2048, keeping the aspect ratio
            double scale = 2048.0 / Math.max(w, h);
            w = Math.floor(w * scale);
            h = Math.floor(h * scale);
        }
        if (Math.min(w, h) > 768) { // then the shortest side down to 768
            double scale = 768.0 / Math.min(w, h);
            w = Math.floor(w * scale);
            h = Math.floor(h * scale);
        }
        long tiles = (long) Math.ceil(w / 512) * (long) Math.ceil(h / 512);
        return IMAGE_BASE + IMAGE_PER_TILE * tiles;
    }

    /** Width and height of a base64 data-URL image, read from its header only; null when unknown. */
    static int[] dataUrlSize(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            return null;
        }
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(url.substring(comma + 1));
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
                Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
                if (!readers.hasNext()) {
                    return null;
                }
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    return new int[] {reader.getWidth(0), reader.getHeight(0)};
                } finally {
                    reader.dispose();
                }
            }
        } catch (Exception unreadable) {
            return null;
        }
    }
}

package dev.llmrouter.adapters.azure;

import dev.llmrouter.domain.money.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the adapter reads of the Responses API's answers: usage and errors. */
final class ResponsesJson {

    private ResponsesJson() {}

    /**
     * A response object's {@code usage} ({@code input_tokens}, {@code output_tokens}), or empty when it
     * has none. Cached input tokens are part of {@code input_tokens} and reasoning tokens part of
     * {@code output_tokens}, as Azure counts them.
     */
    static Optional<TokenUsage> usage(Map<String, Object> response) {
        Object u = response.get("usage");
        if (!(u instanceof Map<?, ?>)) {
            return Optional.empty();
        }
        Map<String, Object> usage = Json.object(u);
        if (!usage.containsKey("input_tokens") && !usage.containsKey("output_tokens")) {
            return Optional.empty();
        }
        return Optional.of(new TokenUsage(Math.max(0, Json.number(usage.get("input_tokens"))),
                Math.max(0, Json.number(usage.get("output_tokens")))));
    }

    /**
     * An error of a Responses stream ({@code {"type":"error","code":...,"message":...}}, or the
     * {@code error} of a failed response) as the error answer the classifier reads,
     * {@code {"error":{"code":...,"message":...}}}.
     */
    static byte[] errorBody(Map<String, Object> error) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", error.get("code"));
        inner.put("message", error.get("message"));
        return JsonText.write(Map.of("error", inner)).getBytes(StandardCharsets.UTF_8);
    }
}

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
     * A response object's {@code usage}, or empty when it has none: {@code input_tokens} with
     * {@code input_tokens_details.cached_tokens} (and {@code cache_write_tokens} where a deployment
     * reports them) as shares of it, {@code output_tokens} with
     * {@code output_tokens_details.reasoning_tokens} as a share of it, as Azure counts them.
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
        Map<String, Object> in = Json.object(usage.get("input_tokens_details"));
        Map<String, Object> out = Json.object(usage.get("output_tokens_details"));
        return Optional.of(TokenUsage.reported(Json.number(usage.get("input_tokens")), Json.number(usage.get("output_tokens")),
                Json.number(in.get("cached_tokens")), Json.number(in.get("cache_write_tokens")),
                Json.number(out.get("reasoning_tokens"))));
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

package dev.llmrouter.adapters.azure;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import dev.llmrouter.domain.money.TokenUsage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the few fields the adapter needs from deployment JSON (usage, error code, deltas). */
final class Json {

    private Json() {}

    /** Parses a JSON document into maps, lists, strings, numbers, booleans and nulls. */
    static Object parse(byte[] json) {
        try (JsonReader reader = JsonProviders.createReader(json)) {
            reader.nextToken();
            Object value = reader.readUntyped();
            com.azure.json.JsonToken after = reader.nextToken();
            if (after != null && after != com.azure.json.JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("trailing content after JSON value");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<?> array(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }

    static String string(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString(n.longValue()) : n.toString();
        }
        return value.toString();
    }

    static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    /** The {@code usage} object of a completion or a stream's usage chunk. */
    static Optional<TokenUsage> usage(Map<String, Object> root) {
        Object u = root.get("usage");
        if (!(u instanceof Map<?, ?>)) {
            return Optional.empty();
        }
        Map<String, Object> usage = object(u);
        long prompt = Math.max(0, number(usage.get("prompt_tokens")));
        long completion = Math.max(0, number(usage.get("completion_tokens")));
        return Optional.of(new TokenUsage(prompt, completion));
    }
}

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

    /**
     * The reported usage of a 2xx answer, read by streaming over the document without building it.
     *
     * <p>Why: the answer is parsed only for its {@code usage}; a tree of maps and strings of the whole
     * answer (the generated text included) measured as one of the gateway's largest allocations per
     * call. The scan still reads the whole document, so a malformed one is never accepted.
     *
     * @return the usage, or {@code null} when this scan cannot decide as {@link #parse} plus
     *         {@link #usage} would (malformed or empty document, no {@code usage} object, a count that
     *         is not a plain integer): the caller then takes the full path, which gives the same
     *         answer or the same error as before
     */
    static TokenUsage scanUsage(byte[] json) {
        try (JsonReader reader = JsonProviders.createReader(json)) {
            if (reader.nextToken() != com.azure.json.JsonToken.START_OBJECT) {
                return null;
            }
            boolean any = false;
            TokenUsage usage = null;
            while (reader.nextToken() == com.azure.json.JsonToken.FIELD_NAME) {
                any = true;
                String name = reader.getFieldName();
                com.azure.json.JsonToken value = reader.nextToken();
                if ("usage".equals(name)) {
                    // Duplicate keys: the last one wins, as in the parsed map.
                    usage = value == com.azure.json.JsonToken.START_OBJECT ? scanCounts(reader) : null;
                    if (value == com.azure.json.JsonToken.START_OBJECT && usage == null) {
                        return null;
                    }
                } else {
                    reader.skipChildren();
                }
            }
            if (reader.currentToken() != com.azure.json.JsonToken.END_OBJECT) {
                return null;
            }
            com.azure.json.JsonToken after = reader.nextToken();
            if (after != null && after != com.azure.json.JsonToken.END_DOCUMENT) {
                return null;
            }
            return any ? usage : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads a usage object the reader is at the start of; {@code null} if a count is not a plain integer. */
    private static TokenUsage scanCounts(JsonReader reader) throws IOException {
        long prompt = 0;
        long completion = 0;
        while (reader.nextToken() == com.azure.json.JsonToken.FIELD_NAME) {
            String name = reader.getFieldName();
            com.azure.json.JsonToken value = reader.nextToken();
            boolean promptField = "prompt_tokens".equals(name);
            if (promptField || "completion_tokens".equals(name)) {
                long n;
                if (value == com.azure.json.JsonToken.NULL) {
                    n = 0;
                } else if (value == com.azure.json.JsonToken.NUMBER && isPlainInteger(reader.getText())) {
                    n = reader.getLong();
                } else {
                    return null;
                }
                if (promptField) {
                    prompt = n;
                } else {
                    completion = n;
                }
            } else {
                reader.skipChildren();
            }
        }
        if (reader.currentToken() != com.azure.json.JsonToken.END_OBJECT) {
            return null;
        }
        return new TokenUsage(Math.max(0, prompt), Math.max(0, completion));
    }

    /** An optional minus and 1 to 18 digits: always a long, read the same by every path. */
    private static boolean isPlainInteger(String text) {
        int start = text.startsWith("-") ? 1 : 0;
        int digits = text.length() - start;
        if (digits < 1 || digits > 18) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }
}

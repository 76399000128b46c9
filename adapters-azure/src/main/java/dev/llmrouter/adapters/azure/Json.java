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

    /**
     * The {@code usage} object of a completion or a stream's usage chunk, every kind it reports:
     * {@code prompt_tokens_details.cached_tokens} (cache reads), {@code prompt_tokens_details.cache_write_tokens}
     * (or {@code cache_creation_tokens}; cache writes, where a deployment reports them) and
     * {@code completion_tokens_details.reasoning_tokens}, each a share of its total and clamped into it
     * ({@link TokenUsage#reported}).
     */
    static Optional<TokenUsage> usage(Map<String, Object> root) {
        Object u = root.get("usage");
        if (!(u instanceof Map<?, ?>)) {
            return Optional.empty();
        }
        Map<String, Object> usage = object(u);
        Map<String, Object> prompt = object(usage.get("prompt_tokens_details"));
        Map<String, Object> completion = object(usage.get("completion_tokens_details"));
        Object write = prompt.containsKey("cache_write_tokens") ? prompt.get("cache_write_tokens")
                : prompt.get("cache_creation_tokens");
        return Optional.of(TokenUsage.reported(number(usage.get("prompt_tokens")), number(usage.get("completion_tokens")),
                number(prompt.get("cached_tokens")), number(write), number(completion.get("reasoning_tokens"))));
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

    /** Slots of {@link #scanCounts}' counts; {@link #ABSENT} marks a count not seen. */
    private static final int PROMPT = 0;
    private static final int COMPLETION = 1;
    private static final int CACHED = 2;
    private static final int CACHE_WRITE = 3;
    private static final int CACHE_CREATION = 4;
    private static final int REASONING = 5;
    private static final long ABSENT = Long.MIN_VALUE;

    /**
     * Reads a usage object the reader is at the start of, its two details objects included;
     * {@code null} if a count is not a plain integer, or a details value is neither an object nor
     * null (the full parse reads a details object; anything else it reads as none, which this scan
     * leaves to it).
     */
    private static TokenUsage scanCounts(JsonReader reader) throws IOException {
        long[] counts = {0, 0, 0, ABSENT, ABSENT, 0};
        while (reader.nextToken() == com.azure.json.JsonToken.FIELD_NAME) {
            String name = reader.getFieldName();
            com.azure.json.JsonToken value = reader.nextToken();
            boolean ok;
            switch (name) {
                case "prompt_tokens" -> ok = count(reader, value, counts, PROMPT);
                case "completion_tokens" -> ok = count(reader, value, counts, COMPLETION);
                case "prompt_tokens_details" -> ok = details(reader, value, counts, true);
                case "completion_tokens_details" -> ok = details(reader, value, counts, false);
                default -> {
                    reader.skipChildren();
                    ok = true;
                }
            }
            if (!ok) {
                return null;
            }
        }
        if (reader.currentToken() != com.azure.json.JsonToken.END_OBJECT) {
            return null;
        }
        long write = counts[CACHE_WRITE] != ABSENT ? counts[CACHE_WRITE]
                : counts[CACHE_CREATION] != ABSENT ? counts[CACHE_CREATION] : 0;
        return TokenUsage.reported(counts[PROMPT], counts[COMPLETION], counts[CACHED], write, counts[REASONING]);
    }

    /** A details object's counts into {@code counts}; false when the scan must defer to the full parse. */
    private static boolean details(JsonReader reader, com.azure.json.JsonToken value, long[] counts, boolean prompt)
            throws IOException {
        // A repeated details key replaces the earlier object whole, as in the parsed map.
        if (prompt) {
            counts[CACHED] = 0;
            counts[CACHE_WRITE] = ABSENT;
            counts[CACHE_CREATION] = ABSENT;
        } else {
            counts[REASONING] = 0;
        }
        if (value == com.azure.json.JsonToken.NULL) {
            return true;
        }
        if (value != com.azure.json.JsonToken.START_OBJECT) {
            return false;
        }
        while (reader.nextToken() == com.azure.json.JsonToken.FIELD_NAME) {
            String name = reader.getFieldName();
            com.azure.json.JsonToken v = reader.nextToken();
            int slot = prompt
                    ? switch (name) {
                        case "cached_tokens" -> CACHED;
                        case "cache_write_tokens" -> CACHE_WRITE;
                        case "cache_creation_tokens" -> CACHE_CREATION;
                        default -> -1;
                    }
                    : "reasoning_tokens".equals(name) ? REASONING : -1;
            if (slot < 0) {
                reader.skipChildren();
            } else if (!count(reader, v, counts, slot)) {
                return false;
            }
        }
        return reader.currentToken() == com.azure.json.JsonToken.END_OBJECT;
    }

    /** One count into {@code counts[slot]} (null reads 0, as the full parse reads it); false when not a plain integer. */
    private static boolean count(JsonReader reader, com.azure.json.JsonToken value, long[] counts, int slot)
            throws IOException {
        if (value == com.azure.json.JsonToken.NULL) {
            counts[slot] = 0;
            return true;
        }
        if (value == com.azure.json.JsonToken.NUMBER && isPlainInteger(reader.getText())) {
            counts[slot] = reader.getLong();
            return true;
        }
        return false;
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

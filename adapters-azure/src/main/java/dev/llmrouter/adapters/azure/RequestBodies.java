package dev.llmrouter.adapters.azure;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Adjusts the caller's JSON body without re-serialising it.
 *
 * <p>Why a splice and not parse-then-write: every member the router does not own must reach the
 * deployment byte for byte (numbers keep their spelling, unknown fields survive, key order stays).
 * The scanner finds the top-level members, drops the ones the router owns ({@code max_tokens} or
 * {@code max_completion_tokens}, and {@code stream}/{@code stream_options}), copies the others as
 * they were, and appends the router's values at the end.
 */
final class RequestBodies {

    private RequestBodies() {}

    /**
     * @param body            the caller's JSON object
     * @param maxOutputTokens the cap to send, or 0 to leave the caller's as it is
     * @param stream          ask for SSE with a final usage chunk
     */
    static byte[] prepare(byte[] body, int maxOutputTokens, boolean stream) {
        List<Member> members = members(body);
        boolean completionTokensField = members.stream().anyMatch(m -> m.key.equals("max_completion_tokens"));
        String capField = completionTokensField ? "max_completion_tokens" : "max_tokens";
        boolean hasStream = members.stream().anyMatch(m -> m.key.equals("stream"));

        Set<String> drop = new java.util.HashSet<>();
        if (maxOutputTokens > 0) {
            drop.add(capField);
        }
        if (stream || hasStream) {
            drop.add("stream");
            drop.add("stream_options");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        out.write('{');
        boolean first = true;
        for (Member m : members) {
            if (drop.contains(m.key)) {
                continue;
            }
            if (!first) {
                out.write(',');
            }
            out.write(body, m.start, m.end - m.start);
            first = false;
        }
        StringBuilder extra = new StringBuilder();
        if (maxOutputTokens > 0) {
            extra.append(first ? "" : ",").append('"').append(capField).append("\":").append(maxOutputTokens);
            first = false;
        }
        if (stream) {
            extra.append(first ? "" : ",").append("\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        } else if (hasStream) {
            extra.append(first ? "" : ",").append("\"stream\":false");
        }
        out.writeBytes(extra.toString().getBytes(StandardCharsets.UTF_8));
        out.write('}');
        return out.toByteArray();
    }

    /** One top-level member: its bytes run from the key's opening quote to the end of its value. */
    record Member(String key, int start, int end) {}

    static List<Member> members(byte[] b) {
        List<Member> members = new ArrayList<>();
        int i = skipWs(b, 0);
        expect(b, i, '{');
        i = skipWs(b, i + 1);
        if (i < b.length && b[i] == '}') {
            return members;
        }
        while (true) {
            expect(b, i, '"');
            int start = i;
            int keyEnd = skipString(b, i);
            String key = new String(b, start + 1, keyEnd - start - 2, StandardCharsets.UTF_8);
            i = skipWs(b, keyEnd);
            expect(b, i, ':');
            i = skipWs(b, i + 1);
            int end = skipValue(b, i);
            members.add(new Member(key, start, end));
            i = skipWs(b, end);
            if (i < b.length && b[i] == ',') {
                i = skipWs(b, i + 1);
                continue;
            }
            expect(b, i, '}');
            if (skipWs(b, i + 1) != b.length) {
                throw new IllegalArgumentException("trailing bytes after the JSON object");
            }
            return members;
        }
    }

    private static int skipValue(byte[] b, int i) {
        if (i >= b.length) {
            throw new IllegalArgumentException("unexpected end of JSON");
        }
        byte c = b[i];
        if (c == '"') {
            return skipString(b, i);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < b.length) {
                byte d = b[i];
                if (d == '"') {
                    i = skipString(b, i);
                    continue;
                }
                if (d == '{' || d == '[') {
                    depth++;
                } else if (d == '}' || d == ']') {
                    depth--;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
                i++;
            }
            throw new IllegalArgumentException("unterminated JSON value");
        }
        int start = i;
        while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']' && !isWs(b[i])) {
            i++;
        }
        if (i == start) {
            throw new IllegalArgumentException("empty JSON value at " + start);
        }
        return i;
    }

    /** Returns the index after the closing quote of the string starting at {@code i}. */
    private static int skipString(byte[] b, int i) {
        i++;
        while (i < b.length) {
            byte c = b[i];
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '"') {
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated JSON string");
    }

    private static int skipWs(byte[] b, int i) {
        while (i < b.length && isWs(b[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWs(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static void expect(byte[] b, int i, char c) {
        if (i >= b.length || b[i] != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + i + " of the JSON body");
        }
    }
}

package dev.llmrouter.adapters.azure;

import dev.llmrouter.ports.chat.BodyIndex;
import dev.llmrouter.ports.chat.BodyIndex.OwnedMember;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Adjusts the caller's JSON body for a deployment without parsing or re-serialising it.
 *
 * <p>Why a splice and not parse-then-write: every byte the router does not own must reach the
 * deployment unchanged (numbers keep their spelling, unknown fields survive, key order and spacing
 * stay). The request's {@link BodyIndex} says where the owned top-level members are
 * ({@code max_tokens} or {@code max_completion_tokens}, and {@code stream}/{@code stream_options});
 * the body is copied with those cut out, with the comma that separated each, and the router's values
 * appended before the closing brace. A body that needs no change is sent as it is.
 *
 * <p>The cap goes in the field the caller used ({@code max_tokens} when none), except for a reasoning
 * model, which refuses {@code max_tokens}: it always gets {@code max_completion_tokens}, and a
 * {@code max_tokens} from the caller is cut (Requirement 8.6).
 */
final class RequestBodies {

    private RequestBodies() {}

    /**
     * @param request         the caller's request, indexed by the one parse of its body
     * @param maxOutputTokens the cap to send, or 0 to leave the caller's as it is
     * @param stream          ask for SSE with a final usage chunk
     * @throws IllegalArgumentException when the body is not a JSON object
     */
    static byte[] prepare(ChatRequest request, int maxOutputTokens, boolean stream) {
        return prepare(request, maxOutputTokens, stream, false, null);
    }

    /**
     * As {@link #prepare(ChatRequest, int, boolean)}, with the cap in the parameter the model accepts, and
     * on Azure's v1 path, where the body names the deployment, with {@code model} set to it.
     *
     * <p>A Responses API body takes its cap as {@code max_output_tokens} and has no usage chunk to ask
     * for (its last event carries the usage): a stream is asked for with {@code "stream":true} alone and
     * the caller's {@code stream_options} stay.
     *
     * @param completionTokensOnly the model takes its cap only as {@code max_completion_tokens}
     *                             (a reasoning model)
     * @param model                the deployment name to put in {@code model}, or {@code null} to leave the
     *                             caller's
     */
    static byte[] prepare(ChatRequest request, int maxOutputTokens, boolean stream, boolean completionTokensOnly,
            String model) {
        byte[] body = request.body();
        BodyIndex index = request.index();
        if (!index.isRead()) {
            // Built by hand (ChatRequest.chat, an embedding service): nobody parsed it yet, so this is its one parse.
            index = new ChatBodyReader(body.length).request(request.operation(), body).index();
        }
        boolean responses = request.operation() == ChatOperation.RESPONSES;
        OwnedMember capField = responses ? OwnedMember.MAX_OUTPUT_TOKENS
                : completionTokensOnly || index.has(OwnedMember.MAX_COMPLETION_TOKENS)
                        ? OwnedMember.MAX_COMPLETION_TOKENS : OwnedMember.MAX_TOKENS;
        boolean hasStream = index.has(OwnedMember.STREAM);
        boolean dropStream = stream || hasStream;
        boolean dropMaxTokens = !responses && completionTokensOnly && index.has(OwnedMember.MAX_TOKENS);
        if (maxOutputTokens <= 0 && !dropStream && !dropMaxTokens && model == null) {
            return body;
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        out.write('{');
        int from = index.objectStart() + 1;
        boolean any = false;
        for (int i = 0; i < index.ownedCount(); i++) {
            OwnedMember m = index.ownedMember(i);
            boolean drop = (maxOutputTokens > 0 && m == capField)
                    || (dropMaxTokens && m == OwnedMember.MAX_TOKENS)
                    || (dropStream && (m == OwnedMember.STREAM || (!responses && m == OwnedMember.STREAM_OPTIONS)))
                    || (model != null && m == OwnedMember.MODEL);
            if (drop) {
                any |= copyMembers(body, from, index.ownedStart(i), any, out);
                from = index.ownedEnd(i);
            }
        }
        any |= copyMembers(body, from, index.objectEnd(), any, out);

        StringBuilder extra = new StringBuilder();
        if (maxOutputTokens > 0) {
            extra.append(any ? "," : "").append('"').append(capField.key()).append("\":").append(maxOutputTokens);
            any = true;
        }
        if (model != null) {
            extra.append(any ? "," : "").append("\"model\":").append(JsonText.write(model));
            any = true;
        }
        if (stream && responses) {
            extra.append(any ? "," : "").append("\"stream\":true");
        } else if (stream) {
            extra.append(any ? "," : "").append("\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        } else if (hasStream) {
            extra.append(any ? "," : "").append("\"stream\":false");
        }
        out.writeBytes(extra.toString().getBytes(StandardCharsets.UTF_8));
        out.write('}');
        return out.toByteArray();
    }

    /**
     * Copies the whole members between two cut-out ones: {@code [from, to)} less the whitespace and
     * commas at its two ends (no member starts or ends with either), after a comma when members were
     * copied before. Returns whether it copied anything.
     */
    private static boolean copyMembers(byte[] body, int from, int to, boolean after, ByteArrayOutputStream out) {
        while (from < to && isSeparator(body[from])) {
            from++;
        }
        while (to > from && isSeparator(body[to - 1])) {
            to--;
        }
        if (from == to) {
            return false;
        }
        if (after) {
            out.write(',');
        }
        out.write(body, from, to - from);
        return true;
    }

    private static boolean isSeparator(byte c) {
        return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}

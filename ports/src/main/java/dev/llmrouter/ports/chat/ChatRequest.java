package dev.llmrouter.ports.chat;

import java.util.Objects;

/**
 * A caller's request, in the router's terms, with the caller's JSON kept whole and read once.
 *
 * <p>The router reads only the fields below; everything else the caller sent (tools, tool_choice,
 * response_format, seed, logprobs, user, ...) stays in {@link #body()} and reaches the deployment
 * unchanged. The adapter adjusts only what the router decides: the output cap and, for streams, the
 * request for a usage chunk.
 *
 * <p>The body is parsed once, when the request arrives: the fields below and the {@link BodyIndex}
 * (where the owned members and the prompt's texts lie in the bytes) come from that one parse, and the
 * estimator and the adapter read the index instead of parsing the body again.
 *
 * @param operation       chat or text completion
 * @param body            the caller's JSON body, UTF-8, exactly as received
 * @param stream          the caller asked for Server-Sent Events
 * @param includeUsage    the caller asked for the final usage chunk ({@code stream_options.include_usage})
 * @param maxOutputTokens the caller's {@code max_tokens} / {@code max_completion_tokens}, or 0 when absent
 * @param imageCount      number of image content parts (0 for text-only)
 * @param choices         completions generated per request ({@code n}, or {@code best_of} for text
 *                        completions, whichever is larger); each may produce up to the output cap,
 *                        so the worst case reserved against a quota is the cap times this
 * @param index           where the owned members and the prompt lie in {@code body}, or
 *                        {@link BodyIndex#UNREAD} for a request built without the parse
 */
public record ChatRequest(
        ChatOperation operation,
        byte[] body,
        boolean stream,
        boolean includeUsage,
        int maxOutputTokens,
        int imageCount,
        int choices,
        BodyIndex index) {

    public ChatRequest {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(index, "index");
        if (maxOutputTokens < 0 || imageCount < 0) {
            throw new IllegalArgumentException("maxOutputTokens and imageCount cannot be negative");
        }
        if (choices < 1) {
            throw new IllegalArgumentException("choices must be at least 1: " + choices);
        }
    }

    /** A request whose body was not indexed: estimators fall back to its length, adapters refuse it. */
    public ChatRequest(
            ChatOperation operation, byte[] body, boolean stream, boolean includeUsage, int maxOutputTokens, int imageCount,
            int choices) {
        this(operation, body, stream, includeUsage, maxOutputTokens, imageCount, choices, BodyIndex.UNREAD);
    }

    /** A request for one completion, not indexed. */
    public ChatRequest(
            ChatOperation operation, byte[] body, boolean stream, boolean includeUsage, int maxOutputTokens, int imageCount) {
        this(operation, body, stream, includeUsage, maxOutputTokens, imageCount, 1);
    }

    public boolean needsVision() {
        return imageCount > 0;
    }

    /** A chat request not indexed, for the core's tests: the gateway builds its requests from the one parse. */
    public static ChatRequest chat(String json) {
        return new ChatRequest(ChatOperation.CHAT, json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                false, false, 0, 0);
    }

    public ChatRequest streaming(boolean includeUsageChunk) {
        return new ChatRequest(operation, body, true, includeUsageChunk, maxOutputTokens, imageCount, choices, index);
    }

    public ChatRequest withMaxOutputTokens(int max) {
        return new ChatRequest(operation, body, stream, includeUsage, max, imageCount, choices, index);
    }

    public ChatRequest withImageCount(int images) {
        return new ChatRequest(operation, body, stream, includeUsage, maxOutputTokens, images, choices, index);
    }

    public ChatRequest withChoices(int n) {
        return new ChatRequest(operation, body, stream, includeUsage, maxOutputTokens, imageCount, n, index);
    }

    /** The most completion tokens the request may produce in all: the output cap times {@link #choices()}. */
    public long worstCaseOutputTokens(int outputCap) {
        return Math.multiplyExact((long) outputCap, choices);
    }

    // byte[] has identity equality; requests are compared by content in tests.
    @Override
    public boolean equals(Object o) {
        return o instanceof ChatRequest r && operation == r.operation && stream == r.stream
                && includeUsage == r.includeUsage && maxOutputTokens == r.maxOutputTokens
                && imageCount == r.imageCount && choices == r.choices && java.util.Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(operation, stream, includeUsage, maxOutputTokens, imageCount, choices,
                java.util.Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "ChatRequest[" + operation + ", " + body.length + " bytes, stream=" + stream + ", maxOut="
                + maxOutputTokens + ", images=" + imageCount + ", choices=" + choices + "]";
    }
}

package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.routing.Candidate;
import java.time.Duration;
import java.util.Objects;

/**
 * One attempt at one deployment, as the router hands it to a {@link ChatEndpoint}.
 *
 * @param candidate       the deployment and the model it serves
 * @param request         the caller's request
 * @param maxOutputTokens the output cap the deployment must be sent ({@code max_tokens}); the router
 *                        sets it so that the quota reservation is a true worst case
 * @param timeout         how long this attempt may take (to the first byte for streams)
 * @param requestId       the gateway's request id, for correlation headers
 * @param traceparent     the W3C {@code traceparent} that names this attempt's trace to the deployment
 *                        (Requirement 10.2), or empty when the attempt is not traced
 */
public record ChatCall(Candidate candidate, ChatRequest request, int maxOutputTokens, Duration timeout, String requestId,
        String traceparent) {

    public ChatCall {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
        requestId = requestId == null ? "" : requestId;
        traceparent = traceparent == null ? "" : traceparent;
    }

    /** An untraced attempt. */
    public ChatCall(Candidate candidate, ChatRequest request, int maxOutputTokens, Duration timeout, String requestId) {
        this(candidate, request, maxOutputTokens, timeout, requestId, "");
    }
}

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
 */
public record ChatCall(Candidate candidate, ChatRequest request, int maxOutputTokens, Duration timeout, String requestId) {

    public ChatCall {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
        requestId = requestId == null ? "" : requestId;
    }
}

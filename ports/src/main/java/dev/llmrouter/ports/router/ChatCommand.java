package dev.llmrouter.ports.router;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ChatRequest;
import java.util.Objects;

/**
 * A request to route: who asks, for what, under which constraints.
 *
 * @param caller          the account and attribution
 * @param requested       a tier id or a model id, or {@code null} for the plan's default tier
 * @param preferredRegion a region to try first, or {@code null}
 * @param residency       where the data may go (never broken)
 * @param allowFallDown   the caller accepts a lower tier when its tier is exhausted
 * @param request         the request itself
 * @param requestId       correlation id (the caller's {@code x-request-id} or a new one)
 * @param requiredDeployment the one deployment that may serve the request (it holds what the request
 *                        continues, e.g. a stored response), or {@code null} for any the route allows;
 *                        when set, the request goes there or nowhere: no fallback, and a clear refusal
 *                        when that deployment is ruled out or unavailable
 */
public record ChatCommand(
        Caller caller,
        String requested,
        String preferredRegion,
        Residency residency,
        boolean allowFallDown,
        ChatRequest request,
        String requestId,
        DeploymentId requiredDeployment) {

    public ChatCommand {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(request, "request");
        residency = residency == null ? Residency.ANY : residency;
        requestId = requestId == null ? "" : requestId;
    }

    /** A request any deployment the route allows may serve. */
    public ChatCommand(Caller caller, String requested, String preferredRegion, Residency residency,
            boolean allowFallDown, ChatRequest request, String requestId) {
        this(caller, requested, preferredRegion, residency, allowFallDown, request, requestId, null);
    }

    /** This request, to be served by {@code deployment} only. */
    public ChatCommand withRequiredDeployment(DeploymentId deployment) {
        return new ChatCommand(caller, requested, preferredRegion, residency, allowFallDown, request, requestId,
                deployment);
    }

    public static ChatCommand of(Caller caller, String requested, ChatRequest request) {
        return new ChatCommand(caller, requested, null, Residency.ANY, true, request, "");
    }
}

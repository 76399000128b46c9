package dev.llmrouter.ports.router;

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
 */
public record ChatCommand(
        Caller caller,
        String requested,
        String preferredRegion,
        Residency residency,
        boolean allowFallDown,
        ChatRequest request,
        String requestId) {

    public ChatCommand {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(request, "request");
        residency = residency == null ? Residency.ANY : residency;
        requestId = requestId == null ? "" : requestId;
    }

    public static ChatCommand of(Caller caller, String requested, ChatRequest request) {
        return new ChatCommand(caller, requested, null, Residency.ANY, true, request, "");
    }
}

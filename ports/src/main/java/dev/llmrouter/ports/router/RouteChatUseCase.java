package dev.llmrouter.ports.router;

/**
 * Inbound port, the library's front door: route one chat or completion request through the fleet —
 * admission (rate limit, quota), routing, fallback with breakers, metering — and say how it ended.
 *
 * <p>Never throws for anything a caller or a deployment did: every ending is a {@link ChatOutcome}.
 */
public interface RouteChatUseCase {

    /** Routes a non-streaming request. */
    ChatOutcome complete(ChatCommand command);

    /**
     * Routes a streaming request, handing chunks to {@code listener} as they arrive. Returns once the
     * stream has ended (or was refused, exhausted or failed before starting).
     */
    ChatOutcome stream(ChatCommand command, StreamListener listener);
}

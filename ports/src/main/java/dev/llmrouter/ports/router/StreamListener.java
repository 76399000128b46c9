package dev.llmrouter.ports.router;

import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.chat.StreamChunk;

/**
 * Receives a stream on behalf of the caller. Called on the routing thread, in order.
 */
public interface StreamListener {

    /**
     * The route is fixed: a deployment produced its first content chunk, which follows at once. Called
     * exactly once for a stream that starts; never for one that is refused or exhausted. The listener
     * sends response headers here.
     */
    void onStart(RouteInfo route, RateLimitStatus rateLimit);

    /**
     * One chunk for the caller. Usage-only chunks arrive only when the caller asked for usage.
     *
     * @return false when the caller has gone away: the router cancels the upstream call and records
     *     the usage of what was sent
     */
    boolean onChunk(StreamChunk chunk);
}

package dev.llmrouter.ports.router;

import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.chat.ChatReply;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a request ended. Every case says what the caller needs to be told; the HTTP layer maps each to
 * a status in one place.
 */
public sealed interface ChatOutcome {

    /** The rate-limit position after this request. */
    RateLimitStatus rateLimit();

    /**
     * Served. For a stream, the chunks went to the listener and {@code reply} is empty.
     *
     * @param route     where it was served
     * @param reply     the deployment's answer (non-streaming)
     * @param usage     tokens used
     * @param cost      what it cost
     * @param attempts  the fallback path, the last attempt being the success
     */
    record Served(
            RouteInfo route,
            Optional<ChatReply> reply,
            TokenUsage usage,
            Money cost,
            List<Attempt> attempts,
            RateLimitStatus rateLimit)
            implements ChatOutcome {}

    /** Refused before reaching a deployment. */
    record Refused(Refusal refusal, RateLimitStatus rateLimit) implements ChatOutcome {}

    /**
     * A deployment answered with an error that another deployment would repeat (bad request, content
     * filter, context length): passed to the caller as it is.
     */
    record Failed(RouteInfo route, Failure failure, List<Attempt> attempts, RateLimitStatus rateLimit)
            implements ChatOutcome {}

    /**
     * Every candidate failed or was unavailable.
     *
     * @param attempts every attempt and skip, in order
     * @param retryAt  the earliest time a deployment is expected back (breaker reopening, cooldown end)
     */
    record Exhausted(List<Attempt> attempts, Optional<Instant> retryAt, RateLimitStatus rateLimit)
            implements ChatOutcome {}

    /**
     * A stream that ended early after content reached the caller: the deployment failed mid-way, or
     * the caller went away ({@code failure} empty). The tokens sent are still metered.
     */
    record StreamBroken(
            RouteInfo route,
            Optional<Failure> failure,
            TokenUsage usage,
            Money cost,
            List<Attempt> attempts,
            RateLimitStatus rateLimit)
            implements ChatOutcome {

        public boolean callerGone() {
            return failure.isEmpty();
        }
    }
}

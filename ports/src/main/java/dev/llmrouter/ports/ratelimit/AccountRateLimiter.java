package dev.llmrouter.ports.ratelimit;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;

/**
 * Outbound port: per-account requests-per-minute and tokens-per-minute limits (Requirement 5.5).
 *
 * <p>Implementations keep one rolling minute per account (see
 * {@link dev.llmrouter.domain.ratelimit.RollingWindowLimiter} for the algorithm and its guarantee:
 * never more than the limit in any rolling minute, and an exact {@code Retry-After}). Calls for one
 * account are atomic; different accounts never contend. Limits are passed on every call, so a plan
 * change applies at once. A refusal is a value, never an exception.
 */
public interface AccountRateLimiter {

    /**
     * Admits one request of {@code tokens} tokens for {@code account} (both or neither), or says
     * exactly when to retry.
     *
     * @param tokens what the request may use: estimated prompt tokens plus its output cap
     */
    RateDecision tryAcquire(String account, RateLimits limits, long tokens);

    /**
     * The decision {@link #tryAcquire} would make now, consuming nothing: lets a caller refuse a
     * request that cannot be admitted before doing costly work for it. A refusal's retry-after is
     * exact for a request of {@code tokens}; admission still happens only through {@link #tryAcquire}.
     */
    RateDecision check(String account, RateLimits limits, long tokens);

    /** Where the account's minute stands, consuming nothing (for headers on other responses). */
    RateLimitStatus status(String account, RateLimits limits);
}

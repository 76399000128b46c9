package dev.llmrouter.ports.ratelimit;

import dev.llmrouter.domain.plan.RateLimits;

/**
 * Outbound port: per-account requests-per-minute and tokens-per-minute limits (Requirement 5.5),
 * possibly shared by many gateway processes (Requirement 7.3).
 *
 * <h2>The guarantee an implementation keeps</h2>
 * <ul>
 *   <li><b>Never more than the limit in any rolling minute</b>: for every account, every interval of
 *       60 seconds (not only calendar minutes) contains at most {@code requestsPerMinute} admitted
 *       requests and at most {@code tokensPerMinute} admitted tokens, counted over every process that
 *       shares the store. A token bucket does not keep this (it admits up to twice its limit in some
 *       60 s); a sliding log or a fine-grained window that counts an admission until a full minute
 *       has passed does.</li>
 *   <li><b>Retry-After exact to the second</b>: a {@code Limited} decision's wait is such that the
 *       same request, retried that many whole seconds (rounded up) later with nothing else admitted
 *       meanwhile, is admitted, and retried a whole second earlier it is not.</li>
 *   <li><b>Both or neither</b>: a request consumes one request and its tokens, or nothing; a request
 *       larger than a whole minute's allowance is {@code TooLarge}, never admitted.</li>
 *   <li>Limits come with every call, so a plan change applies at once; zero means unlimited.</li>
 * </ul>
 * How it is kept (the in-memory adapter runs {@link dev.llmrouter.domain.ratelimit.RollingWindowLimiter})
 * is the implementation's business. Calls for one account are atomic; different accounts never
 * contend. A refusal is a value; so is a store that cannot answer ({@link RateAnswer.Unavailable}),
 * never an exception. {@code AccountRateLimiterContract} (the {@code ports} test jar) states each
 * guarantee as a test.
 */
public interface AccountRateLimiter {

    /**
     * Admits one request of {@code tokens} tokens for {@code account} (both or neither), or says
     * exactly when to retry.
     *
     * @param tokens what the request may use: estimated prompt tokens plus its output cap
     */
    RateAnswer tryAcquire(String account, RateLimits limits, long tokens);

    /**
     * The decision {@link #tryAcquire} would make now, consuming nothing: lets a caller refuse a
     * request that cannot be admitted before doing costly work for it. A refusal's retry-after is
     * exact for a request of {@code tokens}; admission still happens only through {@link #tryAcquire}.
     */
    RateAnswer check(String account, RateLimits limits, long tokens);

    /**
     * True only when {@link #check} of a request of no tokens would admit it now, answered from what
     * the account's latest admission left, without reading a clock or taking the account's lock: once
     * a request fits, only another admission can take the room, and that admission says so. The router
     * asks this before every request, so the usual answer must cost next to nothing; false means
     * "ask {@link #check}", and is always a correct answer (the default, for a store that cannot tell
     * without a round trip). A limiter shared by several processes answers from its latest answer to
     * this one: admissions made elsewhere since are seen by the next admission, which alone decides,
     * so a stale yes costs an estimate, never a request past the limit.
     */
    default boolean surelyRoomForOneMore(String account, RateLimits limits) {
        return false;
    }
}

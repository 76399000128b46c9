package dev.llmrouter.ports.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.ratelimit.RollingWindowLimiter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * {@link AccountRateLimiter} in process memory: one {@link RollingWindowLimiter} per account in a
 * Caffeine cache.
 *
 * <p><b>Atomicity.</b> Each call runs inside {@code cache.asMap().compute(account, ...)}, which locks
 * that account's entry: the check-and-append of one account is serialised, and a limiter can never be
 * evicted and recreated under a caller that still uses the old one (which would let two limiters
 * admit for the same account).
 *
 * <p><b>Idle expiry is lossless.</b> An account's limiter is dropped after {@code idleExpiry} without
 * use, and the expiry may not be shorter than the one-minute window: after a minute of silence every
 * admission has left the window, so a dropped limiter and a fresh one answer the same.
 *
 * <p><b>Unlimited plans cost nothing.</b> Limits of zero in both dimensions answer at once, with no
 * state.
 */
public final class InMemoryAccountRateLimiter implements AccountRateLimiter {

    /** Default granularity: admissions within the same 10 ms share a log entry (at most 6,001 per account). */
    public static final Duration DEFAULT_GRANULARITY = Duration.ofMillis(10);

    private static final RateDecision UNLIMITED = new RateDecision.Allowed(RateLimitStatus.UNLIMITED);

    private final Cache<String, RollingWindowLimiter> limiters;
    private final LongSupplier nanoTicker;
    private final long granularityNanos;

    /** System nano clock, ten minutes idle expiry, {@link #DEFAULT_GRANULARITY}. */
    public InMemoryAccountRateLimiter() {
        this(System::nanoTime, Duration.ofMinutes(10), DEFAULT_GRANULARITY);
    }

    /**
     * @param nanoTicker  monotonic nanoseconds ({@code System::nanoTime}; tests pass a fake)
     * @param idleExpiry  how long an unused account's limiter is kept; at least one minute
     * @param granularity see {@link RollingWindowLimiter}: bounds memory, may delay a client running
     *                    exactly at its limit by up to this much; {@code 1 ns} is the exact log
     */
    public InMemoryAccountRateLimiter(LongSupplier nanoTicker, Duration idleExpiry, Duration granularity) {
        this.nanoTicker = Objects.requireNonNull(nanoTicker, "nanoTicker");
        if (idleExpiry.toNanos() < RollingWindowLimiter.WINDOW_NANOS) {
            throw new IllegalArgumentException("idle expiry must be at least the one-minute window: " + idleExpiry);
        }
        this.granularityNanos = granularity.toNanos();
        new RollingWindowLimiter(granularityNanos); // validates the granularity up front
        this.limiters = Caffeine.newBuilder()
                .ticker(nanoTicker::getAsLong)
                .expireAfterAccess(idleExpiry)
                .build();
    }

    @Override
    public RateDecision tryAcquire(String account, RateLimits limits, long tokens) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return UNLIMITED;
        }
        RateDecision[] decision = new RateDecision[1];
        limiters.asMap().compute(account, (a, limiter) -> {
            RollingWindowLimiter l = limiter != null ? limiter : new RollingWindowLimiter(granularityNanos);
            decision[0] = l.tryAcquire(limits, tokens, nanoTicker.getAsLong());
            return l;
        });
        return decision[0];
    }

    @Override
    public RateLimitStatus status(String account, RateLimits limits) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return RateLimitStatus.UNLIMITED;
        }
        RateLimitStatus[] status = new RateLimitStatus[1];
        limiters.asMap().computeIfPresent(account, (a, limiter) -> {
            status[0] = limiter.status(limits, nanoTicker.getAsLong());
            return limiter;
        });
        return status[0] != null ? status[0] : new RollingWindowLimiter(granularityNanos).status(limits, nanoTicker.getAsLong());
    }

    /** Number of accounts holding state, after pending expiry (tests). */
    long activeAccounts() {
        limiters.cleanUp();
        return limiters.estimatedSize();
    }
}

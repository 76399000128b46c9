package dev.llmrouter.ports.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.ratelimit.RollingWindowLimiter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * {@link AccountRateLimiter} in process memory: one {@link RollingWindowLimiter} per account in a
 * Caffeine cache.
 *
 * <p><b>Atomicity.</b> A call finds the account's limiter with Caffeine's read path ({@code get},
 * no write, no maintenance task) and then holds that limiter's monitor for the check-and-append, so
 * one account's calls are serialised and different accounts never contend. A limiter could be
 * evicted between the lookup and the lock; two limiters must never admit for one account, so the
 * eviction listener (run atomically with the removal) marks it retired under the same monitor, and
 * a caller that finds its limiter retired looks it up again.
 *
 * <p><b>Idle expiry is lossless.</b> An account's limiter is dropped after {@code idleExpiry} without
 * use, and the expiry may not be shorter than the one-minute window plus one granule (an admission
 * is stamped at most one granule late): after that much silence every admission has left the
 * window, so a dropped limiter and a fresh one answer the same.
 *
 * <p><b>Unlimited plans cost nothing.</b> Limits of zero in both dimensions answer at once, with no
 * state.
 */
public final class InMemoryAccountRateLimiter implements AccountRateLimiter {

    /** Default granularity: admissions within the same 10 ms share a log entry (at most 6,001 per account). */
    public static final Duration DEFAULT_GRANULARITY = Duration.ofMillis(10);

    private static final RateDecision UNLIMITED = new RateDecision.Allowed(RateLimitStatus.UNLIMITED);

    private final Cache<String, Holder> limiters;
    private final LongSupplier nanoTicker;
    private final long granularityNanos;
    private final Function<String, Holder> newHolder;

    /** System nano clock, ten minutes idle expiry, {@link #DEFAULT_GRANULARITY}. */
    public InMemoryAccountRateLimiter() {
        this(System::nanoTime, Duration.ofMinutes(10), DEFAULT_GRANULARITY);
    }

    /**
     * @param nanoTicker  monotonic nanoseconds ({@code System::nanoTime}; tests pass a fake)
     * @param idleExpiry  how long an unused account's limiter is kept; at least one minute plus the granularity
     * @param granularity see {@link RollingWindowLimiter}: bounds memory, may delay a client running
     *                    exactly at its limit by up to this much; {@code 1 ns} is the exact log
     */
    public InMemoryAccountRateLimiter(LongSupplier nanoTicker, Duration idleExpiry, Duration granularity) {
        this.nanoTicker = Objects.requireNonNull(nanoTicker, "nanoTicker");
        this.granularityNanos = granularity.toNanos();
        // An admission is stamped up to one granule late, so it may count until window + granule.
        if (idleExpiry.toNanos() < RollingWindowLimiter.WINDOW_NANOS + granularityNanos) {
            throw new IllegalArgumentException(
                    "idle expiry must cover the one-minute window plus the granularity: " + idleExpiry);
        }
        new RollingWindowLimiter(granularityNanos); // validates the granularity up front
        // One mapping function for the lifetime of the store: no capture allocated per call.
        this.newHolder = account -> new Holder(new RollingWindowLimiter(this.granularityNanos));
        this.limiters = Caffeine.newBuilder()
                .ticker(nanoTicker::getAsLong)
                .expireAfterAccess(idleExpiry)
                .evictionListener((String account, Holder holder, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (holder != null) {
                        holder.retire();
                    }
                })
                .build();
    }

    @Override
    public RateDecision tryAcquire(String account, RateLimits limits, long tokens) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return UNLIMITED;
        }
        while (true) {
            Holder holder = limiters.get(account, newHolder);
            synchronized (holder) {
                if (!holder.retired) {
                    return holder.limiter.tryAcquire(limits, tokens, nanoTicker.getAsLong());
                }
            }
        }
    }

    @Override
    public RateLimitStatus status(String account, RateLimits limits) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return RateLimitStatus.UNLIMITED;
        }
        Holder holder = limiters.getIfPresent(account);
        if (holder != null) {
            synchronized (holder) {
                if (!holder.retired) {
                    return holder.limiter.status(limits, nanoTicker.getAsLong());
                }
            }
        }
        // Absent or just evicted: evicted only after a silent minute, so nothing counts.
        return new RollingWindowLimiter(granularityNanos).status(limits, nanoTicker.getAsLong());
    }

    /** One account's limiter and whether it has left the cache (then it must not admit any more). */
    private static final class Holder {
        final RollingWindowLimiter limiter;
        boolean retired;

        Holder(RollingWindowLimiter limiter) {
            this.limiter = limiter;
        }

        synchronized void retire() {
            retired = true;
        }
    }

    /** Number of accounts holding state, after pending expiry (tests). */
    long activeAccounts() {
        limiters.cleanUp();
        return limiters.estimatedSize();
    }
}

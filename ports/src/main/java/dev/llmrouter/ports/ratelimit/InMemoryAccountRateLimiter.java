package dev.llmrouter.ports.ratelimit;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.ratelimit.RollingWindowLimiter;
import dev.llmrouter.ports.support.IdleSweeper;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * {@link AccountRateLimiter} in process memory: one {@link RollingWindowLimiter} per account in a
 * {@link ConcurrentHashMap}, idle accounts swept out in the background.
 *
 * <p><b>Why not a cache library.</b> An access-expiring cache (Caffeine's {@code expireAfterAccess})
 * reads its clock and records every read in a buffer so that it can keep its access order: on this
 * path that cost several times the limiter itself. Here each account's last use is a plain field,
 * written under the lock the call holds anyway, and an occasional sweep finds the idle ones.
 *
 * <p><b>Atomicity.</b> A call finds the account's limiter with a plain map read (computing it only
 * for a new account) and then holds that limiter's monitor to read the clock, record the use and
 * check-and-append, so one account's calls are serialised and different accounts never contend. Two
 * limiters must never admit for one account: the sweep retires a limiter and removes it from the map
 * under that same monitor, and a caller that finds its limiter retired looks it up again (finding
 * the new one, as the removal happened before it could take the monitor).
 *
 * <p><b>Idle expiry is lossless.</b> An account's limiter is dropped only when it has not been used
 * for {@code idleExpiry} <em>and</em> nothing counts in its window any more, so a dropped limiter
 * and a fresh one answer the same. The expiry may not be shorter than the one-minute window plus one
 * granule (an admission is stamped at most one granule late), so the second condition is normally
 * implied by the first. A sweep runs at most once per half {@code idleExpiry}, started by a call
 * that notices it is due and run on the common pool, so no caller pays for it (see
 * {@link IdleSweeper}); an idle account is thus dropped between {@code idleExpiry} and one and a half
 * times it after its last use.
 *
 * <p><b>Unlimited plans cost nothing.</b> Limits of zero in both dimensions answer at once, with no
 * state.
 */
public final class InMemoryAccountRateLimiter implements AccountRateLimiter {

    /** Default granularity: admissions within the same 10 ms share a log entry (at most 6,001 per account). */
    public static final Duration DEFAULT_GRANULARITY = Duration.ofMillis(10);

    private static final RateDecision UNLIMITED = new RateDecision.Allowed(RateLimitStatus.UNLIMITED);

    private final ConcurrentHashMap<String, Holder> limiters = new ConcurrentHashMap<>();
    private final LongSupplier nanoTicker;
    private final long granularityNanos;
    private final long idleNanos;
    private final Function<String, Holder> newHolder;
    /** Starts {@link #sweep()} at most once per half the idle expiry, on the ticker's nanoseconds. */
    private final IdleSweeper sweeper;

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
        this.idleNanos = idleExpiry.toNanos();
        // An admission is stamped up to one granule late, so it may count until window + granule.
        if (idleNanos < RollingWindowLimiter.WINDOW_NANOS + granularityNanos) {
            throw new IllegalArgumentException(
                    "idle expiry must cover the one-minute window plus the granularity: " + idleExpiry);
        }
        new RollingWindowLimiter(granularityNanos); // validates the granularity up front
        // One mapping function for the lifetime of the store: no capture allocated per call.
        this.newHolder = account -> new Holder(new RollingWindowLimiter(this.granularityNanos), nanoTicker.getAsLong());
        this.sweeper = new IdleSweeper(this::sweep, idleNanos / 2, nanoTicker.getAsLong());
    }

    @Override
    public RateDecision tryAcquire(String account, RateLimits limits, long tokens) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return UNLIMITED;
        }
        while (true) {
            Holder holder = limiters.get(account);
            if (holder == null) {
                holder = limiters.computeIfAbsent(account, newHolder);
            }
            RateDecision decision;
            long now;
            synchronized (holder) {
                if (holder.retired) {
                    continue;
                }
                // Read inside the lock, so that one account's calls see the clock in their order.
                now = nanoTicker.getAsLong();
                holder.lastUsedNanos = now;
                decision = holder.limiter.tryAcquire(limits, tokens, now);
            }
            sweeper.sweepIfDue(now);
            return decision;
        }
    }

    @Override
    public RateDecision check(String account, RateLimits limits, long tokens) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return UNLIMITED;
        }
        Holder holder = limiters.get(account);
        if (holder != null) {
            synchronized (holder) {
                if (!holder.retired) {
                    return holder.limiter.check(limits, tokens, nanoTicker.getAsLong());
                }
            }
        }
        // Absent or just swept: swept only once nothing counted, so nothing counts.
        return new RollingWindowLimiter(granularityNanos).check(limits, tokens, nanoTicker.getAsLong());
    }

    @Override
    public RateLimitStatus status(String account, RateLimits limits) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return RateLimitStatus.UNLIMITED;
        }
        Holder holder = limiters.get(account);
        if (holder != null) {
            synchronized (holder) {
                if (!holder.retired) {
                    return holder.limiter.status(limits, nanoTicker.getAsLong());
                }
            }
        }
        // Absent or just swept: swept only once nothing counted, so nothing counts.
        return new RollingWindowLimiter(granularityNanos).status(limits, nanoTicker.getAsLong());
    }

    /** Drops every account unused for the idle expiry whose window is empty. */
    private void sweep() {
        for (Map.Entry<String, Holder> entry : limiters.entrySet()) {
            Holder holder = entry.getValue();
            synchronized (holder) {
                long now = nanoTicker.getAsLong();
                if (!holder.retired && now - holder.lastUsedNanos >= idleNanos && holder.limiter.isIdle(now)) {
                    // Retire and remove under the monitor: a caller waiting on it then finds the
                    // account absent and starts a fresh limiter, never a second live one.
                    holder.retired = true;
                    limiters.remove(entry.getKey(), holder);
                }
            }
        }
    }

    /** One account's limiter, its last use, and whether it has left the map (then it must not admit). */
    private static final class Holder {
        final RollingWindowLimiter limiter;
        long lastUsedNanos;
        boolean retired;

        Holder(RollingWindowLimiter limiter, long createdNanos) {
            this.limiter = limiter;
            this.lastUsedNanos = createdNanos;
        }
    }

    /** Number of accounts holding state, after sweeping the idle ones now (tests). */
    long activeAccounts() {
        sweep();
        return limiters.size();
    }
}

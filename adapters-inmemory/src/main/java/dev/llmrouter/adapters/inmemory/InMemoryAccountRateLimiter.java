package dev.llmrouter.adapters.inmemory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.ratelimit.RollingWindowLimiter;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@link AccountRateLimiter} in process memory: one {@link RollingWindowLimiter} per account (an
 * exact rolling minute, so the port's guarantee holds), held in a Caffeine cache that drops an
 * account idle for {@code idleExpiry}, on an injected {@link Ticker}. It never answers
 * {@link RateAnswer.Unavailable}.
 *
 * <p><b>Atomicity.</b> A call reads the account's limiter through the cache and then holds that
 * limiter's monitor to read the ticker and check-and-append, so one account's calls are serialised
 * and different accounts never contend. Two limiters must never admit for one account: the cache's
 * eviction listener runs inside the atomic eviction and marks the limiter retired under that same
 * monitor, and a caller that finds its limiter retired looks it up again (finding the new one).
 *
 * <p><b>Idle expiry is lossless.</b> The expiry may not be shorter than the one-minute window plus
 * one granule (an admission is stamped at most one granule late), so an account dropped for being
 * idle has nothing left in its window, and a fresh limiter answers as the dropped one would have.
 *
 * <p><b>Use renews the expiry at most twice per slack.</b> A call finds the limiter without touching
 * the cache's bookkeeping and reads the ticker once, under the limiter's lock; an admission renews the
 * entry's access time through the cache (then decides on a fresh reading) only when the last renewal
 * is half a slack ({@code min(idle / 64, 1 s)}) old or more. The cache keeps an
 * entry {@code idle} plus one slack after its last renewal, so an account is still kept at least
 * {@code idle} after its latest admission, and at most one slack longer than that. Checks and
 * status reads consume nothing and do not keep an account.
 *
 * <p><b>Unlimited plans cost nothing.</b> Limits of zero in both dimensions answer at once, with no
 * state.
 */
public final class InMemoryAccountRateLimiter implements AccountRateLimiter {

    /** Default granularity: admissions within the same 10 ms share a log entry (at most 6,001 per account). */
    public static final Duration DEFAULT_GRANULARITY = Duration.ofMillis(10);

    private static final RateAnswer UNLIMITED = new RateAnswer.Decided(new RateDecision.Allowed(RateLimitStatus.UNLIMITED));

    private static final long MAX_SLACK_NANOS = 1_000_000_000L;

    private final Cache<String, Holder> limiters;
    private final Policy<String, Holder> policy;
    private final long slackNanos;
    private final Ticker ticker;
    private final long granularityNanos;
    private final Function<String, Holder> newHolder;

    /** System ticker, ten minutes idle expiry, {@link #DEFAULT_GRANULARITY}. */
    public InMemoryAccountRateLimiter() {
        this(Ticker.systemTicker(), Duration.ofMinutes(10), DEFAULT_GRANULARITY);
    }

    /**
     * @param ticker      monotonic nanoseconds ({@link Ticker#systemTicker()}; tests pass a fake)
     * @param idleExpiry  how long an unused account's limiter is kept; at least one minute plus the granularity
     * @param granularity see {@link RollingWindowLimiter}: bounds memory, may delay a client running
     *                    exactly at its limit by up to this much; {@code 1 ns} is the exact log
     */
    public InMemoryAccountRateLimiter(Ticker ticker, Duration idleExpiry, Duration granularity) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.granularityNanos = granularity.toNanos();
        // An admission is stamped up to one granule late, so it may count until window + granule.
        if (idleExpiry.toNanos() < RollingWindowLimiter.WINDOW_NANOS + granularityNanos) {
            throw new IllegalArgumentException(
                    "idle expiry must cover the one-minute window plus the granularity: " + idleExpiry);
        }
        new RollingWindowLimiter(granularityNanos); // validates the granularity up front
        this.newHolder = account -> new Holder(new RollingWindowLimiter(this.granularityNanos), this.ticker.read());
        this.slackNanos = Math.min(MAX_SLACK_NANOS, idleExpiry.toNanos() / 64);
        this.limiters = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfterAccess(idleExpiry.plusNanos(slackNanos))
                .evictionListener((String key, Holder holder, RemovalCause cause) -> {
                    if (holder != null) {
                        synchronized (holder) {
                            holder.retired = true;
                        }
                    }
                })
                .build();
        this.policy = limiters.policy();
    }

    @Override
    public RateAnswer tryAcquire(String account, RateLimits limits, long tokens) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return UNLIMITED;
        }
        boolean renewed = false;
        while (true) {
            Holder holder = policy.getIfPresentQuietly(account);
            if (holder == null) {
                holder = limiters.get(account, newHolder);
            }
            long renewFrom;
            synchronized (holder) {
                if (holder.retired) {
                    continue;
                }
                // Read inside the lock, so that one account's calls see the clock in their order.
                long now = ticker.read();
                if (renewed || now - holder.renewedNanos < slackNanos / 2) {
                    RateDecision decision = holder.limiter.tryAcquire(limits, tokens, now);
                    holder.roomFor = decision instanceof RateDecision.Allowed allowed
                            && allowed.roomForAnotherRequest() ? limits : null;
                    return new RateAnswer.Decided(decision);
                }
                renewFrom = now;
            }
            // Renewed before the admission, so that the entry is kept past it; outside the lock, since
            // the cache's maintenance may take another account's lock to retire it.
            holder.renewedNanos = renewFrom;
            renewed = limiters.getIfPresent(account) == holder;
        }
    }

    /**
     * The limits under which the account's latest admission left room for one more request: no clock
     * read and no lock, since until another admission (which rewrites it) the room only grows.
     */
    @Override
    public boolean surelyRoomForOneMore(String account, RateLimits limits) {
        Holder holder = policy.getIfPresentQuietly(account);
        return holder != null && holder.roomFor == limits;
    }

    @Override
    public RateAnswer check(String account, RateLimits limits, long tokens) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return UNLIMITED;
        }
        return new RateAnswer.Decided(decide(account, limits, tokens));
    }

    private RateDecision decide(String account, RateLimits limits, long tokens) {
        Holder holder = policy.getIfPresentQuietly(account);
        if (holder != null) {
            synchronized (holder) {
                if (!holder.retired) {
                    return holder.limiter.check(limits, tokens, ticker.read());
                }
            }
        }
        // Absent or just dropped: dropped only once nothing counted, so nothing counts.
        return new RollingWindowLimiter(granularityNanos).check(limits, tokens, ticker.read());
    }

    /** Where the account's minute stands, consuming nothing. */
    public RateLimitStatus status(String account, RateLimits limits) {
        Objects.requireNonNull(account, "account");
        if (!limits.limitsRequests() && !limits.limitsTokens()) {
            return RateLimitStatus.UNLIMITED;
        }
        Holder holder = policy.getIfPresentQuietly(account);
        if (holder != null) {
            synchronized (holder) {
                if (!holder.retired) {
                    return holder.limiter.status(limits, ticker.read());
                }
            }
        }
        return new RollingWindowLimiter(granularityNanos).status(limits, ticker.read());
    }

    /** One account's limiter, and whether it has left the cache (then it must not admit). */
    private static final class Holder {
        final RollingWindowLimiter limiter;
        boolean retired;
        /**
         * The limits under which the latest admission left room for one more request, or null: read
         * without the lock by {@link #surelyRoomForOneMore}. A retired holder answers no more admissions,
         * and a fresh one starts with null, so this never outlives the window it describes.
         */
        volatile RateLimits roomFor;
        /** Ticker reading at the latest renewal of the cache's access time (its creation at first). */
        volatile long renewedNanos;

        Holder(RollingWindowLimiter limiter, long createdNanos) {
            this.limiter = limiter;
            this.renewedNanos = createdNanos;
        }
    }

    /** Number of accounts holding state, after dropping the idle ones now (tests). */
    long activeAccounts() {
        limiters.cleanUp();
        return limiters.estimatedSize();
    }
}

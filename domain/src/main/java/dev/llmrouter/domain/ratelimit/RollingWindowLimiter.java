package dev.llmrouter.domain.ratelimit;

import dev.llmrouter.domain.plan.RateLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * One account's requests-per-minute and tokens-per-minute limiter: an exact <em>rolling</em> minute,
 * kept as a log of admissions.
 *
 * <h2>Why not a token bucket or GCRA</h2>
 * A token bucket of capacity {@code L} refilled at {@code L} per minute (GCRA with burst {@code L} is
 * the same thing) admits {@code L} at once and then another {@code L} in the following minute as it
 * refills: up to {@code 2L - 1} inside one rolling minute. {@link RateLimits} promises at most
 * {@code L} per rolling minute, and the only way an O(1)-state bucket keeps that promise is to give
 * up either the burst or half the rate. So this class keeps the admissions themselves.
 *
 * <h2>Algorithm</h2>
 * The state is a log of entries {@code (stamp, requests, tokens)} with strictly increasing stamps,
 * and the running sums of requests and tokens over the log. An entry counts while
 * {@code now - stamp < 60 s}; it leaves the window at exactly {@code stamp + 60 s}.
 * <ol>
 *   <li>Expire: drop entries from the head while {@code now - stamp >= 60 s}, subtracting them.</li>
 *   <li>A request of {@code n} tokens fits when {@code requests + 1 <= rpm} and
 *       {@code tokens + n <= tpm} (a zero limit is unlimited). Both fit → append (or merge into the
 *       last entry when it has the same stamp) and answer {@link RateDecision.Allowed}. Either does
 *       not → consume nothing and answer {@link RateDecision.Limited}.</li>
 *   <li>Retry-After, exact: for each short dimension, walk the log from the head summing what each
 *       entry would free; the first entry {@code k} after which the request fits gives the time
 *       {@code stamp_k + 60 s}. The answer is the later of the two dimensions, minus now. Since
 *       stamps strictly increase, one nanosecond earlier entry {@code k} still counts and the request
 *       does not fit: the wait is exact, not an estimate.</li>
 * </ol>
 * Checking both dimensions before touching either is what makes "one request and {@code n} tokens"
 * atomic: both are admitted or neither.
 *
 * <h2>Granularity (memory bound)</h2>
 * With granularity {@code g}, an admission is stamped at {@code now} rounded <em>up</em> to a
 * multiple of {@code g}, so all admissions within one {@code g}-slot share one entry: the log never
 * holds more than {@code 60 s / g + 1} entries (and never more than the requests-per-minute limit).
 * Rounding up only ever makes an admission count for longer, so the promise "at most the limit in
 * any rolling minute of real arrival times" still holds; the price is that a client running exactly
 * at its limit may be told to wait up to {@code g} longer than the ideal log would. {@code g = 1 ns}
 * is the exact log. Stamps are also never allowed to go backwards (a caller that read its clock
 * before another thread did may present a slightly earlier time): an earlier stamp is raised to the
 * last one, again only counting an admission for longer.
 *
 * <h2>Time</h2>
 * {@code nowNanos} is any monotonic nanosecond reading ({@code System.nanoTime()} semantics: only
 * differences matter, compared overflow-safely). The class never reads a clock.
 *
 * <p>Not thread-safe: the holder (one per account) serialises calls.
 */
public final class RollingWindowLimiter {

    /** The rolling window: one minute, in nanoseconds. */
    public static final long WINDOW_NANOS = 60_000_000_000L;

    private static final int INITIAL_CAPACITY = 8;

    private final long granularityNanos;
    // Ring buffer of entries; index i of the log is (head + i) & (capacity - 1).
    private long[] stamps = new long[INITIAL_CAPACITY];
    private long[] requestCounts = new long[INITIAL_CAPACITY];
    private long[] tokenCounts = new long[INITIAL_CAPACITY];
    private int head;
    private int size;
    private long requestsInWindow;
    private long tokensInWindow;

    /** An exact log (granularity one nanosecond). */
    public RollingWindowLimiter() {
        this(1);
    }

    /**
     * @param granularityNanos admissions within one slot of this many nanoseconds share a log entry;
     *                         between 1 ns and the window
     */
    public RollingWindowLimiter(long granularityNanos) {
        if (granularityNanos < 1 || granularityNanos > WINDOW_NANOS) {
            throw new IllegalArgumentException("granularity must be within 1 ns .. 60 s: " + granularityNanos);
        }
        this.granularityNanos = granularityNanos;
    }

    /**
     * Admits one request of {@code tokens} tokens under {@code limits} at {@code nowNanos}, or
     * explains why not. Limits are read on every call, so a plan change applies at once.
     *
     * @param tokens the tokens the request may use (estimated prompt plus output cap); {@code >= 0}
     */
    public RateDecision tryAcquire(RateLimits limits, long tokens, long nowNanos) {
        return decide(limits, tokens, nowNanos, true);
    }

    /**
     * The decision {@link #tryAcquire} would make now, consuming nothing: a cheap check before work
     * that is worth doing only for an admissible request. A {@link RateDecision.Limited} answer is
     * exact for a request of {@code tokens} (retrying it earlier is refused); an
     * {@link RateDecision.Allowed} answer admits nothing and carries the status before admission.
     */
    public RateDecision check(RateLimits limits, long tokens, long nowNanos) {
        return decide(limits, tokens, nowNanos, false);
    }

    private RateDecision decide(RateLimits limits, long tokens, long nowNanos, boolean admit) {
        Objects.requireNonNull(limits, "limits");
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens cannot be negative: " + tokens);
        }
        expire(nowNanos);
        if (limits.limitsTokens() && tokens > limits.tokensPerMinute()) {
            return new RateDecision.TooLarge(RateDimension.TOKENS, limits.tokensPerMinute(), tokens, status(limits, nowNanos));
        }
        boolean requestsFit = !limits.limitsRequests() || requestsInWindow < limits.requestsPerMinute();
        boolean tokensFit = !limits.limitsTokens() || tokens <= limits.tokensPerMinute() - tokensInWindow;
        if (requestsFit && tokensFit) {
            if (admit) {
                append(stampOf(nowNanos), tokens);
            }
            // The status's numbers only: the status itself is built if and when it is read.
            return new RateDecision.Allowed(limits,
                    Math.max(0, limits.requestsPerMinute() - requestsInWindow), resetNanos(true, nowNanos),
                    Math.max(0, limits.tokensPerMinute() - tokensInWindow), resetNanos(false, nowNanos));
        }
        long requestsWait = requestsFit ? 0 : waitUntilFits(true, 1, limits.requestsPerMinute(), nowNanos);
        long tokensWait = tokensFit ? 0 : waitUntilFits(false, tokens, limits.tokensPerMinute(), nowNanos);
        RateDimension limitedBy = tokensWait > requestsWait ? RateDimension.TOKENS : RateDimension.REQUESTS;
        return new RateDecision.Limited(
                limitedBy, Duration.ofNanos(Math.max(requestsWait, tokensWait)), status(limits, nowNanos));
    }

    /** Where the window stands at {@code nowNanos}, consuming nothing. */
    public RateLimitStatus status(RateLimits limits, long nowNanos) {
        expire(nowNanos);
        boolean requests = limits.limitsRequests();
        boolean tokens = limits.limitsTokens();
        return new RateLimitStatus(
                limits.requestsPerMinute(),
                requests ? Math.max(0, limits.requestsPerMinute() - requestsInWindow) : 0,
                requests ? Duration.ofNanos(resetNanos(true, nowNanos)) : Duration.ZERO,
                limits.tokensPerMinute(),
                tokens ? Math.max(0, limits.tokensPerMinute() - tokensInWindow) : 0,
                tokens ? Duration.ofNanos(resetNanos(false, nowNanos)) : Duration.ZERO);
    }

    /** Whether nothing counts any more at {@code nowNanos}: the state could be dropped without loss. */
    public boolean isIdle(long nowNanos) {
        expire(nowNanos);
        return size == 0;
    }

    /** Number of log entries held (for the memory bound in tests). */
    int entries() {
        return size;
    }

    private void expire(long nowNanos) {
        while (size > 0 && nowNanos - stamps[head] >= WINDOW_NANOS) {
            requestsInWindow -= requestCounts[head];
            tokensInWindow -= tokenCounts[head];
            head = (head + 1) & (stamps.length - 1);
            size--;
        }
        if (size == 0) {
            head = 0;
            if (stamps.length > 4 * INITIAL_CAPACITY) {
                // An account that bursts once should not keep a large log forever.
                stamps = new long[INITIAL_CAPACITY];
                requestCounts = new long[INITIAL_CAPACITY];
                tokenCounts = new long[INITIAL_CAPACITY];
            }
        }
    }

    private long stampOf(long nowNanos) {
        if (size > 0) {
            long last = stamps[index(size - 1)];
            // Every stamp is a multiple of the granularity, so while now has not passed the last one,
            // now rounded up is at most the last stamp and the answer is the last stamp: the common
            // case of a busy account, answered without the division.
            if (nowNanos - last <= 0) {
                return last;
            }
            // Round up to the granularity (counts an admission a little longer, never shorter).
            long stamp = -Math.floorDiv(-nowNanos, granularityNanos) * granularityNanos;
            return stamp - last < 0 ? last : stamp;
        }
        return -Math.floorDiv(-nowNanos, granularityNanos) * granularityNanos;
    }

    private void append(long stamp, long tokens) {
        requestsInWindow++;
        tokensInWindow = Math.addExact(tokensInWindow, tokens);
        if (size > 0) {
            int last = index(size - 1);
            if (stamps[last] == stamp) {
                requestCounts[last]++;
                tokenCounts[last] += tokens;
                return;
            }
        }
        if (size == stamps.length) {
            grow();
        }
        int slot = index(size);
        stamps[slot] = stamp;
        requestCounts[slot] = 1;
        tokenCounts[slot] = tokens;
        size++;
    }

    /** Nanoseconds from now until {@code need} more fits under {@code limit} in the chosen dimension. */
    private long waitUntilFits(boolean requests, long need, long limit, long nowNanos) {
        long used = requests ? requestsInWindow : tokensInWindow;
        for (int i = 0; i < size; i++) {
            int slot = index(i);
            used -= requests ? requestCounts[slot] : tokenCounts[slot];
            if (need <= limit - used) {
                return stamps[slot] + WINDOW_NANOS - nowNanos;
            }
        }
        // Unreachable for need <= limit: once every entry has left, used is zero.
        throw new IllegalStateException("request of " + need + " can never fit a limit of " + limit);
    }

    private long resetNanos(boolean requests, long nowNanos) {
        for (int i = size - 1; i >= 0; i--) {
            int slot = index(i);
            if ((requests ? requestCounts[slot] : tokenCounts[slot]) > 0) {
                return Math.max(0, stamps[slot] + WINDOW_NANOS - nowNanos);
            }
        }
        return 0;
    }

    private int index(int i) {
        return (head + i) & (stamps.length - 1);
    }

    private void grow() {
        int capacity = stamps.length * 2;
        long[] newStamps = new long[capacity];
        long[] newRequests = new long[capacity];
        long[] newTokens = new long[capacity];
        for (int i = 0; i < size; i++) {
            int slot = index(i);
            newStamps[i] = stamps[slot];
            newRequests[i] = requestCounts[slot];
            newTokens[i] = tokenCounts[slot];
        }
        stamps = newStamps;
        requestCounts = newRequests;
        tokenCounts = newTokens;
        head = 0;
    }
}

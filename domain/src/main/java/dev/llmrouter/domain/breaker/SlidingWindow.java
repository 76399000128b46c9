package dev.llmrouter.domain.breaker;

/**
 * The recent outcomes of a closed breaker, as an immutable value with running totals.
 *
 * <h2>Algorithm (after Resilience4j's sliding windows)</h2>
 * Both kinds keep a fixed-size circular array and two running totals ({@link #calls()},
 * {@link #failures()}), so recording an outcome and reading the totals are O(1) whatever the window
 * size, and the failure rate is {@code failures / calls} without a scan.
 * <ul>
 *   <li><b>Count-based</b> ({@link WindowSpec.LastCalls}, N calls): the array is a ring of N bits, one
 *       per call, 1 for a failure. {@code head} is the slot the next call overwrites. Recording
 *       subtracts the outgoing bit from the failure total (a slot not yet written is 0), writes the new
 *       bit and advances {@code head}; {@code calls} grows until it reaches N. The 20-call default is a
 *       single {@code long}.</li>
 *   <li><b>Time-based</b> ({@link WindowSpec.LastDuration}, span S): the array is a ring of
 *       {@value WindowSpec#TIME_BUCKETS} buckets of S/10 each, bucket k holding the calls and failures
 *       recorded while {@code floor(now / (S/10)) ≡ k}. Before recording at a later bucket, every bucket
 *       passed over since the newest one (at most ten) is subtracted from the totals and emptied, so the
 *       totals always cover the last ten buckets. Calls leave the window a bucket at a time. A
 *       {@code now} earlier than the newest bucket (a clock that stepped back) is recorded into the
 *       newest bucket.</li>
 * </ul>
 *
 * <h2>Why immutable, and what it costs</h2>
 * The breaker's state is one immutable value swapped by compare-and-set, so the window is part of that
 * value. Recording returns a new window object; the array is shared between versions and copied only
 * when a record changes it (a count window whose overwritten bit already equals the new outcome, e.g.
 * a run of successes, copies nothing). A full count window of successes is returned as it is for one
 * more success, so a healthy deployment's calls allocate nothing. Arrays are never written after a
 * window is published.
 */
public abstract sealed class SlidingWindow permits SlidingWindow.CountWindow, SlidingWindow.TimeWindow {

    final int calls;
    final int failures;

    private SlidingWindow(int calls, int failures) {
        this.calls = calls;
        this.failures = failures;
    }

    /** An empty window of the given kind. */
    public static SlidingWindow empty(WindowSpec spec) {
        if (spec instanceof WindowSpec.LastCalls lastCalls) {
            return new CountWindow(lastCalls.size());
        }
        return new TimeWindow(((WindowSpec.LastDuration) spec).bucketNanos());
    }

    /** The window after recording one outcome at {@code nowNanos}; this window is unchanged. */
    public abstract SlidingWindow record(boolean failed, long nowNanos);

    /** Calls in the window (as of the last record). */
    public int calls() {
        return calls;
    }

    /** Failed (or slow) calls in the window (as of the last record). */
    public int failures() {
        return failures;
    }

    /**
     * Whether the window says open: it holds at least {@code minimumCalls} calls and
     * {@code failures / calls >= thresholdPercent / 100}, compared exactly in integers.
     */
    public boolean exceeds(int minimumCalls, int thresholdPercent) {
        return calls >= minimumCalls && failures * 100L >= (long) thresholdPercent * calls;
    }

    @Override
    public String toString() {
        return failures + "/" + calls + " failed";
    }

    /** The last N calls, one bit each in a ring. */
    static final class CountWindow extends SlidingWindow {
        private final long[] bits;
        private final int size;
        private final int head;

        CountWindow(int size) {
            this(new long[(size + 63) >>> 6], size, 0, 0, 0);
        }

        private CountWindow(long[] bits, int size, int head, int calls, int failures) {
            super(calls, failures);
            this.bits = bits;
            this.size = size;
            this.head = head;
        }

        @Override
        public SlidingWindow record(boolean failed, long nowNanos) {
            if (!failed && failures == 0 && calls == size) {
                // A full window of successes: every bit is 0, so where head points no longer matters
                // and one more success leaves the window exactly as it is. The healthy steady state
                // thus allocates nothing (and the breaker skips its compare-and-set).
                return this;
            }
            int word = head >>> 6;
            long mask = 1L << (head & 63);
            boolean outgoing = (bits[word] & mask) != 0; // an unwritten slot reads 0: nothing to subtract
            long[] next = bits;
            if (outgoing != failed) {
                next = bits.clone();
                next[word] ^= mask;
            }
            int newFailures = failures - (outgoing ? 1 : 0) + (failed ? 1 : 0);
            int newCalls = calls < size ? calls + 1 : size;
            int newHead = head + 1 == size ? 0 : head + 1;
            return new CountWindow(next, size, newHead, newCalls, newFailures);
        }
    }

    /** The calls of the last ten buckets; each bucket packs (calls << 32 | failures) in a long. */
    static final class TimeWindow extends SlidingWindow {
        private static final int BUCKETS = WindowSpec.TIME_BUCKETS;
        private static final long EMPTY = Long.MIN_VALUE;

        private final long bucketNanos;
        private final long[] buckets;
        private final long newestBucket;

        TimeWindow(long bucketNanos) {
            this(bucketNanos, new long[BUCKETS], EMPTY, 0, 0);
        }

        private TimeWindow(long bucketNanos, long[] buckets, long newestBucket, int calls, int failures) {
            super(calls, failures);
            this.bucketNanos = bucketNanos;
            this.buckets = buckets;
            this.newestBucket = newestBucket;
        }

        @Override
        public SlidingWindow record(boolean failed, long nowNanos) {
            long bucket = Math.floorDiv(nowNanos, bucketNanos);
            long[] next = buckets.clone();
            int newCalls = calls;
            int newFailures = failures;
            if (newestBucket == EMPTY) {
                // first call: every bucket is already empty
            } else if (bucket > newestBucket) {
                // Empty the buckets passed over; past ten of them every bucket is stale anyway.
                for (long k = Math.max(newestBucket + 1, bucket - BUCKETS + 1); k <= bucket; k++) {
                    int slot = (int) Math.floorMod(k, (long) BUCKETS);
                    newCalls -= (int) (next[slot] >>> 32);
                    newFailures -= (int) next[slot];
                    next[slot] = 0;
                }
            } else {
                bucket = newestBucket;
            }
            int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
            next[slot] += (1L << 32) + (failed ? 1 : 0);
            return new TimeWindow(bucketNanos, next, bucket, newCalls + 1, newFailures + (failed ? 1 : 0));
        }
    }
}

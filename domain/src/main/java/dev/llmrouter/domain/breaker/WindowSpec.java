package dev.llmrouter.domain.breaker;

import java.time.Duration;
import java.util.Objects;

/**
 * Which recent calls a closed breaker judges the failure rate over.
 *
 * <ul>
 *   <li>{@link LastCalls}: the last {@code size} recorded calls (count-based; default 20).</li>
 *   <li>{@link LastDuration}: the calls recorded in the last {@code span} (time-based; default 10 s),
 *       kept as {@value #TIME_BUCKETS} buckets of {@code span / 10} each, so a call leaves the window
 *       in one piece with its bucket: the window covers between {@code 0.9 × span} and {@code span}
 *       of history.</li>
 * </ul>
 */
public sealed interface WindowSpec {

    /** How many buckets a time-based window is cut into. */
    int TIME_BUCKETS = 10;

    /** The default count-based window: the last 20 calls. */
    static WindowSpec lastCalls(int size) {
        return new LastCalls(size);
    }

    /** A time-based window: the calls of the last {@code span} (default 10 s). */
    static WindowSpec lastDuration(Duration span) {
        return new LastDuration(span);
    }

    /** Count-based window over the last {@code size} calls (1 to 10 000). */
    record LastCalls(int size) implements WindowSpec {
        public LastCalls {
            if (size < 1 || size > 10_000) {
                throw new IllegalArgumentException("window size must be 1..10000 calls, got " + size);
            }
        }
    }

    /** Time-based window over the last {@code span} (at least 10 ms, at most 1 hour). */
    record LastDuration(Duration span) implements WindowSpec {
        public LastDuration {
            Objects.requireNonNull(span, "span");
            if (span.compareTo(Duration.ofMillis(10)) < 0 || span.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("window span must be 10 ms..1 h, got " + span);
            }
        }

        /** The length of one bucket, in nanoseconds. */
        public long bucketNanos() {
            return span.toNanos() / TIME_BUCKETS;
        }
    }
}

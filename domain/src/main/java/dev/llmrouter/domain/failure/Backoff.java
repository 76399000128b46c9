package dev.llmrouter.domain.failure;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before calling the same deployment again after a transient failure
 * ({@link FailureKind#retryableSameDeployment()}; Requirement 1.5).
 *
 * <h2>Schedule</h2>
 * The wait before retry {@code n} (1 for the first retry) is {@code min} doubled {@code n - 1} times,
 * capped at {@code max}, then spread by {@code jitter}: multiplied by a factor drawn uniformly from
 * {@code [1 - jitter, 1 + jitter)}, so that callers failing together do not retry together. A zero
 * {@code min} means no wait at all. The schedule is a pure function of its inputs: the caller supplies
 * the random draw, and the caller decides what the request's deadline leaves of a wait.
 *
 * @param min    the wait before the first retry; {@link Duration#ZERO} for none
 * @param max    the cap of the doubled wait (before jitter); at least {@code min}
 * @param jitter the spread, as a fraction of the wait, within {@code 0..1}
 */
public record Backoff(Duration min, Duration max, double jitter) {

    /** Never waits. */
    public static final Backoff NONE = new Backoff(Duration.ZERO, Duration.ZERO, 0);

    public Backoff {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 <= min (" + min + ") <= max (" + max + ")");
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be within 0..1: " + jitter);
        }
    }

    /** True when no retry ever waits. */
    public boolean isNone() {
        return min.isZero();
    }

    /**
     * The wait before retry {@code retry}, in nanoseconds.
     *
     * @param retry  1 for the first retry, 2 for the second, ...
     * @param random a uniform draw from {@code [0, 1)}
     */
    public long delayNanos(int retry, double random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1: " + retry);
        }
        if (!(random >= 0 && random < 1)) {
            throw new IllegalArgumentException("random must be within [0, 1): " + random);
        }
        long cap = max.toNanos();
        long delay = min.toNanos();
        for (int i = 1; i < retry && delay < cap; i++) {
            delay = delay > cap / 2 ? cap : delay * 2;
        }
        delay = Math.min(delay, cap);
        double factor = 1 + jitter * (2 * random - 1);
        return (long) (delay * factor);
    }
}

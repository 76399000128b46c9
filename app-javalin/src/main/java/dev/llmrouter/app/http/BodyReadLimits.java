package dev.llmrouter.app.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a request body may take to arrive (Requirement 9.3): {@code timeout}, plus one second for every
 * {@code minBytesPerSecond} bytes received so far.
 *
 * <p>Why a deadline that grows with the bytes received rather than a plain one: a plain deadline short
 * enough to stop a caller that drips one byte every few seconds would also cut off a large body (images,
 * up to the body limit) sent over a slow link; one long enough for that body lets the dripping caller hold
 * a thread for minutes. Here a caller is cut off as soon as it is both past {@code timeout} and below the
 * average rate {@code minBytesPerSecond}: a stalled body at {@code timeout}, a trickle shortly after, a
 * large body at a reasonable rate never. An idle-connection timeout alone would not do: a caller sending
 * one byte just before each idle deadline is never idle.
 *
 * @param timeout           the time any body may take
 * @param minBytesPerSecond the average rate that earns a body more time
 */
public record BodyReadLimits(Duration timeout, long minBytesPerSecond) {

    public static final BodyReadLimits DEFAULT = new BodyReadLimits(Duration.ofSeconds(10), 64 * 1024);

    public BodyReadLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (minBytesPerSecond <= 0) {
            throw new IllegalArgumentException("minBytesPerSecond must be positive");
        }
    }

    /** The deadline, in {@link System#nanoTime()} terms, of a body started at {@code startNanos} that has {@code received} bytes. */
    long deadlineNanos(long startNanos, long received) {
        long earned = received >= Long.MAX_VALUE / 1_000_000_000L
                ? Long.MAX_VALUE / 2 : received * 1_000_000_000L / minBytesPerSecond;
        return startNanos + Math.min(timeout.toNanos() + earned, Long.MAX_VALUE / 2);
    }
}

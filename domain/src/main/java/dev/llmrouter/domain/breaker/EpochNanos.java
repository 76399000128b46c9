package dev.llmrouter.domain.breaker;

import java.time.Instant;

/**
 * The breaker's time scale: a {@code long} count of nanoseconds since 1970-01-01T00:00Z.
 *
 * <p>Why a {@code long} and not {@link Instant}: permit and record are on every call's path, and a
 * primitive keeps them free of allocation. Why the epoch as origin (rather than
 * {@code System.nanoTime()}'s arbitrary one): every transition event carries an exact
 * {@link Instant}, and a deadline such as a breaker's "open until" is reported as one. A {@code long}
 * of epoch nanoseconds reaches the year 2262.
 *
 * <p>The domain never reads a clock: callers pass {@code now}, tests advance a fake clock by hand.
 */
public final class EpochNanos {

    private EpochNanos() {
    }

    /** Nanoseconds since the epoch of {@code instant}; throws {@link ArithmeticException} past 2262. */
    public static long of(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    /** The instant {@code epochNanos} nanoseconds after the epoch (exact). */
    public static Instant toInstant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }
}

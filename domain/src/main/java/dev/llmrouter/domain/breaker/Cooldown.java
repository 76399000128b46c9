package dev.llmrouter.domain.breaker;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deployment's throttling cooldown, apart from its circuit breaker (Requirement 1.5): a 429 with a
 * retry-after means "not before then", which says nothing about the deployment's health, so it must
 * neither count as a breaker failure nor wait for the breaker's thresholds.
 *
 * <p>The deadline only ever moves later: a signal with a later deadline extends the cooldown, one with
 * an earlier deadline leaves it as it is (the deployment's latest word does not cancel an earlier,
 * longer one). The deadline is a single {@link AtomicLong} of epoch nanoseconds updated with an atomic
 * max, so concurrent signals never lose the latest deadline and never take a lock.
 */
public final class Cooldown {

    private static final long NONE = Long.MIN_VALUE;

    private final AtomicLong untilNanos = new AtomicLong(NONE);

    /** Cool down until {@code until} (or later, if already cooling down until later). */
    public void coolDownUntil(Instant until) {
        coolDownUntil(EpochNanos.of(Objects.requireNonNull(until, "until")));
    }

    /** Cool down until {@code untilNanos} epoch nanoseconds (or later, if already later). */
    public void coolDownUntil(long untilEpochNanos) {
        untilNanos.accumulateAndGet(untilEpochNanos, Math::max);
    }

    /**
     * A throttling answer received at {@code now} asked to wait {@code retryAfter}; a negative delay
     * (a confused server) counts as zero.
     */
    public void onThrottled(Duration retryAfter, Instant now) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        Duration wait = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        coolDownUntil(now.plus(wait));
    }

    /** Whether calls must still wait at {@code now} (the deadline itself is no longer cooling down). */
    public boolean isCoolingDown(Instant now) {
        return isCoolingDown(EpochNanos.of(now));
    }

    public boolean isCoolingDown(long nowEpochNanos) {
        long until = untilNanos.get();
        return until != NONE && nowEpochNanos < until;
    }

    /** The deadline of the latest cooldown, if there ever was one (it may be in the past). */
    public Optional<Instant> until() {
        long until = untilNanos.get();
        return until == NONE ? Optional.empty() : Optional.of(EpochNanos.toInstant(until));
    }
}

package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The circuit breaker's rules as a pure function: {@code (state, event, now) -> (state, permitted,
 * transition)}. No clock, no threads, no side effects; {@link CircuitBreaker} wraps it in an atomic
 * reference.
 *
 * <h2>Rules (Requirements 6.1–6.4)</h2>
 * <ul>
 *   <li><b>Closed</b>: every permit is granted. Each outcome is recorded in the sliding window (a
 *       success slower than the slow-call threshold is recorded as a failure); when the window holds at
 *       least {@code minimumCalls} calls and {@code failures × 100 >= threshold × calls}, the breaker
 *       opens for {@code openDuration}.</li>
 *   <li><b>Open</b>: permits are refused until {@code until}. The first permit asked at or after
 *       {@code until} moves the breaker to half-open and is itself the first probe (there are no timers:
 *       the move happens lazily, on demand). Outcomes reported while open (calls admitted before it
 *       opened) are ignored.</li>
 *   <li><b>Half-open</b>: at most {@code halfOpenProbes} permits are granted; further ones are refused.
 *       When that many probes have succeeded the breaker closes with an empty window. The first probe
 *       that fails (or is slow) reopens it for {@code openDuration × multiplier^reopens}, capped at
 *       {@code maxOpenDuration}, where {@code reopens} counts the failed half-open episodes in a row.
 *       An outcome counts as a probe's only while an admitted probe is outstanding
 *       ({@code succeeded < admitted}); others are late results of calls admitted before, and ignored.</li>
 * </ul>
 * Each step changes the state's kind at most once and then carries exactly one
 * {@link BreakerTransition} (Requirement 6.5).
 */
public final class BreakerMachine {

    /**
     * The result of one step.
     *
     * @param state      the state after the event (the same instance when nothing changed)
     * @param permitted  for a permit request, whether the call may go; for outcomes, always false
     * @param transition the event of the state's kind changing, if it did
     */
    public record Step(BreakerState state, boolean permitted, Optional<BreakerTransition> transition) {
    }

    private final DeploymentId deployment;
    private final BreakerConfig config;
    private final BreakerState.Closed initial;
    private final long slowCallNanos;

    public BreakerMachine(DeploymentId deployment, BreakerConfig config) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.config = Objects.requireNonNull(config, "config");
        this.initial = new BreakerState.Closed(SlidingWindow.empty(config.window()));
        this.slowCallNanos = config.slowCallThreshold().map(Duration::toNanos).orElse(Long.MAX_VALUE);
    }

    public DeploymentId deployment() {
        return deployment;
    }

    public BreakerConfig config() {
        return config;
    }

    /** Closed, with an empty window. */
    public BreakerState.Closed initial() {
        return initial;
    }

    /** Whether an outcome counts as a failure: it failed, or it succeeded slower than the slow-call threshold. */
    public boolean isFailure(boolean failed, long durationNanos) {
        return failed || durationNanos > slowCallNanos;
    }

    /** The one step of the rules above. */
    public Step next(BreakerState state, BreakerEvent event, long nowNanos) {
        Objects.requireNonNull(event, "event");
        if (event instanceof BreakerEvent.PermitRequest) {
            return permit(state, nowNanos);
        }
        if (event instanceof BreakerEvent.Success success) {
            return outcome(state, false, success.durationNanos(), nowNanos);
        }
        return outcome(state, true, ((BreakerEvent.Failure) event).durationNanos(), nowNanos);
    }

    /** {@link #next} for a {@link BreakerEvent.PermitRequest}. */
    public Step permit(BreakerState state, long nowNanos) {
        if (state instanceof BreakerState.Closed) {
            return new Step(state, true, Optional.empty());
        }
        if (state instanceof BreakerState.Open open) {
            return nowNanos < open.untilNanos() ? new Step(open, false, Optional.empty()) : halfOpened(open, nowNanos);
        }
        BreakerState.HalfOpen half = (BreakerState.HalfOpen) Objects.requireNonNull(state, "state");
        if (half.probesAdmitted() >= config.halfOpenProbes()) {
            return new Step(half, false, Optional.empty());
        }
        return new Step(new BreakerState.HalfOpen(half.probesAdmitted() + 1, half.probesSucceeded(), half.reopens()),
                true, Optional.empty());
    }

    /**
     * {@link #next} for an outcome ({@code failed}: a {@link BreakerEvent.Failure}, else a
     * {@link BreakerEvent.Success}), with primitives so that the per-call path builds no event object.
     */
    public Step outcome(BreakerState state, boolean failed, long durationNanos, long nowNanos) {
        if (durationNanos < 0) {
            throw new IllegalArgumentException("duration cannot be negative: " + durationNanos + " ns");
        }
        if (state instanceof BreakerState.Closed closed) {
            return closedOutcome(closed, isFailure(failed, durationNanos), nowNanos);
        }
        if (state instanceof BreakerState.Open open) {
            return new Step(open, false, Optional.empty()); // a late result of a call admitted before opening
        }
        return halfOpenOutcome((BreakerState.HalfOpen) Objects.requireNonNull(state, "state"), failed, durationNanos,
                nowNanos);
    }

    private Step closedOutcome(BreakerState.Closed closed, boolean failure, long nowNanos) {
        SlidingWindow window = closed.window().record(failure, nowNanos);
        if (window == closed.window()) {
            return new Step(closed, false, Optional.empty());
        }
        if (!window.exceeds(config.minimumCalls(), config.failureRateThreshold())) {
            return new Step(new BreakerState.Closed(window), false, Optional.empty());
        }
        return opened(closed, window, nowNanos);
    }

    private Step halfOpenOutcome(BreakerState.HalfOpen half, boolean failed, long durationNanos, long nowNanos) {
        if (half.probesSucceeded() >= half.probesAdmitted()) {
            return new Step(half, false, Optional.empty()); // no probe outstanding: a late result
        }
        if (isFailure(failed, durationNanos)) {
            return reopened(half, failed, durationNanos, nowNanos);
        }
        int succeeded = half.probesSucceeded() + 1;
        if (succeeded < config.halfOpenProbes()) {
            return new Step(new BreakerState.HalfOpen(half.probesAdmitted(), succeeded, half.reopens()), false,
                    Optional.empty());
        }
        return closedByProbes(half, nowNanos);
    }

    // Transitions are built apart from the per-call paths so that those stay small enough to inline
    // into the caller, where the Step record needs no allocation.
    private Step opened(BreakerState.Closed closed, SlidingWindow window, long nowNanos) {
        long openNanos = config.openDurationNanos(0);
        String reason = "failure rate " + (window.failures() * 100L / window.calls()) + "% (" + window.failures()
                + "/" + window.calls() + " calls) reached the threshold of " + config.failureRateThreshold()
                + "%; open for " + Duration.ofNanos(openNanos);
        return transition(closed, new BreakerState.Open(nowNanos, saturatedAdd(nowNanos, openNanos), 0),
                false, nowNanos, reason);
    }

    private Step halfOpened(BreakerState.Open open, long nowNanos) {
        String reason = "open duration of " + Duration.ofNanos(open.untilNanos() - open.openedAtNanos())
                + " elapsed; admitting up to " + config.halfOpenProbes() + " probes";
        return transition(open, new BreakerState.HalfOpen(1, 0, open.reopens()), true, nowNanos, reason);
    }

    private Step closedByProbes(BreakerState.HalfOpen half, long nowNanos) {
        return transition(half, initial, false, nowNanos, "all " + config.halfOpenProbes() + " probes succeeded");
    }

    private Step reopened(BreakerState.HalfOpen half, boolean failed, long durationNanos, long nowNanos) {
        int reopens = half.reopens() == Integer.MAX_VALUE ? Integer.MAX_VALUE : half.reopens() + 1;
        long openNanos = config.openDurationNanos(reopens);
        String reason = (failed ? "probe failed" : "probe was slow (" + Duration.ofNanos(durationNanos) + ")")
                + "; reopened for " + Duration.ofNanos(openNanos);
        return transition(half, new BreakerState.Open(nowNanos, saturatedAdd(nowNanos, openNanos), reopens),
                false, nowNanos, reason);
    }

    private Step transition(BreakerState from, BreakerState to, boolean permitted, long nowNanos, String reason) {
        return new Step(to, permitted, Optional.of(new BreakerTransition(deployment, from.status(), to.status(),
                EpochNanos.toInstant(nowNanos), reason)));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}

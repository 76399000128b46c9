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

    /** Whether an outcome of this kind and duration counts as a failure. */
    public boolean isFailure(BreakerEvent event) {
        if (event instanceof BreakerEvent.Failure) {
            return true;
        }
        return event instanceof BreakerEvent.Success success && success.durationNanos() > slowCallNanos;
    }

    /** The one step of the rules above. */
    public Step next(BreakerState state, BreakerEvent event, long nowNanos) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(event, "event");
        if (state instanceof BreakerState.Closed closed) {
            return onClosed(closed, event, nowNanos);
        }
        if (state instanceof BreakerState.Open open) {
            return onOpen(open, event, nowNanos);
        }
        return onHalfOpen((BreakerState.HalfOpen) state, event, nowNanos);
    }

    private Step onClosed(BreakerState.Closed closed, BreakerEvent event, long nowNanos) {
        if (event instanceof BreakerEvent.PermitRequest) {
            return new Step(closed, true, Optional.empty());
        }
        SlidingWindow window = closed.window().record(isFailure(event), nowNanos);
        if (window == closed.window()) {
            return new Step(closed, false, Optional.empty());
        }
        if (!window.exceeds(config.minimumCalls(), config.failureRateThreshold())) {
            return new Step(new BreakerState.Closed(window), false, Optional.empty());
        }
        return opened(closed, window, nowNanos);
    }

    // Transitions are built apart from the per-call paths so that those stay small enough to inline
    // into the caller, where the Step and the event record need no allocation.
    private Step opened(BreakerState.Closed closed, SlidingWindow window, long nowNanos) {
        long openNanos = config.openDurationNanos(0);
        String reason = "failure rate " + (window.failures() * 100L / window.calls()) + "% (" + window.failures()
                + "/" + window.calls() + " calls) reached the threshold of " + config.failureRateThreshold()
                + "%; open for " + Duration.ofNanos(openNanos);
        return transition(closed, new BreakerState.Open(nowNanos, saturatedAdd(nowNanos, openNanos), 0),
                false, nowNanos, reason);
    }

    private Step onOpen(BreakerState.Open open, BreakerEvent event, long nowNanos) {
        if (!(event instanceof BreakerEvent.PermitRequest) || nowNanos < open.untilNanos()) {
            return new Step(open, false, Optional.empty());
        }
        return halfOpened(open, nowNanos);
    }

    private Step halfOpened(BreakerState.Open open, long nowNanos) {
        String reason = "open duration of " + Duration.ofNanos(open.untilNanos() - open.openedAtNanos())
                + " elapsed; admitting up to " + config.halfOpenProbes() + " probes";
        return transition(open, new BreakerState.HalfOpen(1, 0, open.reopens()), true, nowNanos, reason);
    }

    private Step onHalfOpen(BreakerState.HalfOpen half, BreakerEvent event, long nowNanos) {
        if (event instanceof BreakerEvent.PermitRequest) {
            if (half.probesAdmitted() >= config.halfOpenProbes()) {
                return new Step(half, false, Optional.empty());
            }
            return new Step(new BreakerState.HalfOpen(half.probesAdmitted() + 1, half.probesSucceeded(),
                    half.reopens()), true, Optional.empty());
        }
        if (half.probesSucceeded() >= half.probesAdmitted()) {
            return new Step(half, false, Optional.empty()); // no probe outstanding: a late result
        }
        if (isFailure(event)) {
            return reopened(half, event, nowNanos);
        }
        int succeeded = half.probesSucceeded() + 1;
        if (succeeded < config.halfOpenProbes()) {
            return new Step(new BreakerState.HalfOpen(half.probesAdmitted(), succeeded, half.reopens()), false,
                    Optional.empty());
        }
        return closedByProbes(half, nowNanos);
    }

    private Step closedByProbes(BreakerState.HalfOpen half, long nowNanos) {
        return transition(half, initial, false, nowNanos, "all " + config.halfOpenProbes() + " probes succeeded");
    }

    private Step reopened(BreakerState.HalfOpen half, BreakerEvent event, long nowNanos) {
        int reopens = half.reopens() == Integer.MAX_VALUE ? Integer.MAX_VALUE : half.reopens() + 1;
        long openNanos = config.openDurationNanos(reopens);
        String reason = (event instanceof BreakerEvent.Failure ? "probe failed" : "probe was slow ("
                + Duration.ofNanos(((BreakerEvent.Success) event).durationNanos()) + ")")
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

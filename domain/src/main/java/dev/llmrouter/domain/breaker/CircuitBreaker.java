package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The circuit breaker of one deployment: a thread-safe holder around the pure {@link BreakerMachine}.
 *
 * <p>How it stays correct under many threads: the whole state is one immutable {@link BreakerState}
 * in an {@link AtomicReference}. Every call reads it, computes the next state with the pure function,
 * and installs it with {@code compareAndSet}; if another thread got there first, it retries from the
 * state that thread installed. So each half-open permit is granted from a distinct state
 * ({@code admitted} 0, 1, 2, ...) and no more than the configured number of probes is ever admitted,
 * and every outcome is recorded exactly once. A step that changes nothing (a permit while closed, a
 * refusal while open) does no write at all.
 *
 * <p>Time: every method takes {@code nowNanos}, nanoseconds since the epoch ({@link EpochNanos}) from
 * the caller's clock; the breaker reads no clock and runs no timer (open becomes half-open when a
 * permit is asked after the open duration).
 *
 * <p>Events: the thread whose compare-and-set installs a new kind of state hands the one
 * {@link BreakerTransition} of that step to the listener, after the state is in place. A listener
 * that throws is counted ({@link #listenerFailures()}) and otherwise ignored. Listeners of one breaker
 * may see two transitions made by different threads in close succession out of order; each event's
 * {@code at} and {@code from}/{@code to} tell the true order.
 */
public final class CircuitBreaker {

    private final BreakerMachine machine;
    private final BreakerListener listener;
    private final AtomicReference<BreakerState> state;
    private final AtomicLong listenerFailures = new AtomicLong();

    public CircuitBreaker(DeploymentId deployment, BreakerConfig config, BreakerListener listener) {
        this.machine = new BreakerMachine(deployment, config);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.state = new AtomicReference<>(machine.initial());
    }

    public CircuitBreaker(DeploymentId deployment, BreakerConfig config) {
        this(deployment, config, BreakerListener.NONE);
    }

    /** Whether a call to the deployment may go now; a granted permit must be followed by one outcome. */
    public boolean tryAcquirePermission(long nowNanos) {
        while (true) {
            BreakerState current = state.get();
            BreakerMachine.Step step = machine.permit(current, nowNanos);
            if (step.state() == current || install(current, step)) {
                return step.permitted();
            }
        }
    }

    /** An admitted call succeeded after {@code durationNanos} (slow successes count as failures). */
    public void onSuccess(long durationNanos, long nowNanos) {
        record(false, durationNanos, nowNanos);
    }

    /** An admitted call failed after {@code durationNanos}. */
    public void onFailure(long durationNanos, long nowNanos) {
        record(true, durationNanos, nowNanos);
    }

    /** The current state's name (an open breaker past its duration stays OPEN until a permit is asked). */
    public BreakerStatus status() {
        return state.get().status();
    }

    /** The current state, for operators and tests. */
    public BreakerState state() {
        return state.get();
    }

    /** When an open breaker will let a probe through; empty when it is not open. */
    public Optional<Instant> expectedAvailableAt() {
        return state.get() instanceof BreakerState.Open open ? Optional.of(open.until()) : Optional.empty();
    }

    public DeploymentId deployment() {
        return machine.deployment();
    }

    public BreakerConfig config() {
        return machine.config();
    }

    /** How many times the listener threw (its exceptions are swallowed so calls go on). */
    public long listenerFailures() {
        return listenerFailures.get();
    }

    private void record(boolean failed, long durationNanos, long nowNanos) {
        while (true) {
            BreakerState current = state.get();
            BreakerMachine.Step step = machine.outcome(current, failed, durationNanos, nowNanos);
            if (step.state() == current || install(current, step)) {
                return;
            }
        }
    }

    /** Installs the step's state if the state is still {@code current}; the winner tells the listener. */
    private boolean install(BreakerState current, BreakerMachine.Step step) {
        if (!state.compareAndSet(current, step.state())) {
            return false;
        }
        step.transition().ifPresent(this::publish);
        return true;
    }

    private void publish(BreakerTransition transition) {
        try {
            listener.onTransition(transition);
        } catch (RuntimeException listenerBug) {
            // Observers never break the call path; the count lets an operator see it happened.
            listenerFailures.incrementAndGet();
        }
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + machine.deployment() + " " + state.get() + "]";
    }
}

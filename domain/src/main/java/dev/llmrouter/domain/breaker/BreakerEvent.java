package dev.llmrouter.domain.breaker;

/**
 * What can happen to a breaker: a caller asks for a permit, or reports how an admitted call ended.
 * Durations are in nanoseconds; a success slower than the configured slow-call threshold counts as a
 * failure.
 */
public sealed interface BreakerEvent {

    /** The one permit request (it carries nothing, so one instance serves every call). */
    PermitRequest PERMIT = new PermitRequest();

    /** A caller asks whether it may call the deployment now. */
    record PermitRequest() implements BreakerEvent {
    }

    /** An admitted call answered successfully after {@code durationNanos}. */
    record Success(long durationNanos) implements BreakerEvent {
        public Success {
            if (durationNanos < 0) {
                throw new IllegalArgumentException("duration cannot be negative: " + durationNanos + " ns");
            }
        }
    }

    /** An admitted call failed (in a way that counts against the deployment) after {@code durationNanos}. */
    record Failure(long durationNanos) implements BreakerEvent {
        public Failure {
            if (durationNanos < 0) {
                throw new IllegalArgumentException("duration cannot be negative: " + durationNanos + " ns");
            }
        }
    }
}

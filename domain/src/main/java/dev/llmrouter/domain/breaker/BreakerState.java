package dev.llmrouter.domain.breaker;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of one circuit breaker, as a value. Each state is its own type carrying only what that
 * state needs; {@link BreakerMachine#next} moves between them. {@link BreakerStatus} names them for
 * reporting.
 */
public sealed interface BreakerState {

    BreakerStatus status();

    /** Calls flow; the window of recent outcomes decides when to open (Requirement 6.1). */
    record Closed(SlidingWindow window) implements BreakerState {
        public Closed {
            Objects.requireNonNull(window, "window");
        }

        @Override
        public BreakerStatus status() {
            return BreakerStatus.CLOSED;
        }
    }

    /**
     * Calls are refused until {@code untilNanos} (Requirement 6.2).
     *
     * @param openedAtNanos when it opened (epoch nanoseconds)
     * @param untilNanos    when the first probe may go (epoch nanoseconds)
     * @param reopens       how many half-open episodes in a row have failed since the breaker was last
     *                      closed (0 when it opened from closed); sets the open duration's growth
     */
    record Open(long openedAtNanos, long untilNanos, int reopens) implements BreakerState {
        public Open {
            if (untilNanos < openedAtNanos || reopens < 0) {
                throw new IllegalArgumentException("bad open state: " + openedAtNanos + ".." + untilNanos
                        + ", reopens " + reopens);
            }
        }

        @Override
        public BreakerStatus status() {
            return BreakerStatus.OPEN;
        }

        public Instant openedAt() {
            return EpochNanos.toInstant(openedAtNanos);
        }

        public Instant until() {
            return EpochNanos.toInstant(untilNanos);
        }
    }

    /**
     * A few probe calls test the deployment (Requirements 6.3, 6.4).
     *
     * @param probesAdmitted  probes let through so far (never more than the configured number)
     * @param probesSucceeded probes that have succeeded so far ({@code <= probesAdmitted})
     * @param reopens         the {@link Open#reopens()} of the open state this came from
     */
    record HalfOpen(int probesAdmitted, int probesSucceeded, int reopens) implements BreakerState {
        public HalfOpen {
            if (probesSucceeded < 0 || probesSucceeded > probesAdmitted || reopens < 0) {
                throw new IllegalArgumentException("bad half-open state: admitted " + probesAdmitted
                        + ", succeeded " + probesSucceeded + ", reopens " + reopens);
            }
        }

        @Override
        public BreakerStatus status() {
            return BreakerStatus.HALF_OPEN;
        }
    }
}

package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Instant;
import java.util.Objects;

/**
 * The event of one breaker changing state (Requirement 6.5): exactly one is emitted per transition.
 *
 * @param deployment the deployment whose breaker moved
 * @param from       the state it left
 * @param to         the state it entered (never equal to {@code from})
 * @param at         the time of the call that caused the move (the caller's {@code now})
 * @param reason     why, for people reading logs (e.g. {@code "failure rate 60% (6/10) >= 50%"})
 */
public record BreakerTransition(DeploymentId deployment, BreakerStatus from, BreakerStatus to, Instant at, String reason) {

    public BreakerTransition {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        if (from == to) {
            throw new IllegalArgumentException("a transition changes the state, got " + from + " -> " + to);
        }
    }
}

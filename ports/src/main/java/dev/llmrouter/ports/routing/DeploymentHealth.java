package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the fallback executor needs to know and say about each deployment's health: its circuit
 * breaker (Requirement 6) and its throttling cooldown (Requirement 1.5).
 *
 * <p>Protocol, as the breaker requires it: every granted {@link #tryAcquire} is followed by exactly
 * one of {@link #onSuccess}, {@link #onFailure} or {@link #onNeutral}. The executor, not the
 * implementation, decides which: only failures whose kind {@code countsAgainstBreaker()} are reported
 * as failures; answers that say nothing about health (a caller's bad request, a content filter, a 429,
 * a caller who went away) are reported as neutral.
 */
public interface DeploymentHealth {

    /**
     * Asks to call the deployment now. A cooling-down deployment is refused without touching its
     * breaker; otherwise the breaker decides (and may grant a half-open probe).
     */
    Availability tryAcquire(DeploymentId deployment, Instant now);

    /** A granted call succeeded after {@code took}. */
    void onSuccess(DeploymentId deployment, Duration took, Instant now);

    /** A granted call failed in a way that is evidence of an unhealthy deployment. */
    void onFailure(DeploymentId deployment, Duration took, Instant now);

    /** A granted call ended in a way that says nothing about the deployment's health. */
    void onNeutral(DeploymentId deployment, Duration took, Instant now);

    /** The deployment must not be called before {@code until}; a later deadline wins, an earlier one is ignored. */
    void coolDownUntil(DeploymentId deployment, Instant until);

    /** When the deployment is expected back (breaker open-until or cooldown end, the later), if after {@code now}. */
    Optional<Instant> expectedBack(DeploymentId deployment, Instant now);

    /** The operators' view of one deployment. */
    DeploymentStatus status(Deployment deployment, Instant now);

    /**
     * The answer to {@link #tryAcquire}.
     *
     * @param state available, or why not
     * @param until when a refused deployment is expected back, if known
     */
    record Availability(State state, Optional<Instant> until) {

        public static final Availability AVAILABLE = new Availability(State.AVAILABLE, Optional.empty());

        public Availability {
            until = until == null ? Optional.empty() : until;
        }

        public boolean available() {
            return state == State.AVAILABLE;
        }

        public static Availability breakerOpen(Optional<Instant> until) {
            return new Availability(State.BREAKER_OPEN, until);
        }

        public static Availability coolingDown(Instant until) {
            return new Availability(State.COOLING_DOWN, Optional.of(until));
        }

        /** Whether the deployment may be called, and if not, why. */
        public enum State {
            AVAILABLE,
            BREAKER_OPEN,
            COOLING_DOWN
        }
    }
}

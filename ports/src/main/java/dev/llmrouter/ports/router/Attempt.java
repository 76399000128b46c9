package dev.llmrouter.ports.router;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import java.time.Duration;
import java.util.Optional;

/**
 * One attempt of a request's fallback path, or one deployment skipped without a call.
 *
 * @param deployment the deployment
 * @param region     its region
 * @param outcome    what happened
 * @param failure    the classified failure, for failed attempts
 * @param duration   how long the attempt took (zero for skips)
 */
public record Attempt(
        DeploymentId deployment, String region, Outcome outcome, Optional<Failure> failure, Duration duration) {

    public enum Outcome {
        SUCCESS,
        FAILED,
        /** Not called: its breaker was open. */
        SKIPPED_BREAKER_OPEN,
        /** Not called: it is cooling down after a 429 with retry-after. */
        SKIPPED_COOLING_DOWN,
        /** Not called: the request's deadline had passed. */
        SKIPPED_DEADLINE,
        /**
         * Not called: it serves a different model than the candidates before it, and the account's
         * quota cannot hold that model's worst case.
         */
        SKIPPED_OVER_QUOTA
    }

    /** True when the deployment was actually called. */
    public boolean reachedDeployment() {
        return outcome == Outcome.SUCCESS || outcome == Outcome.FAILED;
    }
}

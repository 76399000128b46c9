package dev.llmrouter.ports.admin;

import dev.llmrouter.domain.deployment.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Inbound port for operators: the health of every deployment as the router sees it now. */
public interface DeploymentStatusQuery {

    List<DeploymentStatus> deployments();

    /**
     * @param deployment   the deployment
     * @param breaker      {@code closed}, {@code open} or {@code half_open}
     * @param openUntil    when an open breaker lets probes through
     * @param coolingUntil when a throttled deployment may be called again
     * @param recentCalls  calls in the breaker's window
     * @param recentFailures failures among them
     * @param transitions  breaker transitions so far
     */
    record DeploymentStatus(
            Deployment deployment,
            String breaker,
            Optional<Instant> openUntil,
            Optional<Instant> coolingUntil,
            int recentCalls,
            int recentFailures,
            long transitions) {}
}

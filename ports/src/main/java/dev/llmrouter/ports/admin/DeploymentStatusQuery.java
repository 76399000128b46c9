package dev.llmrouter.ports.admin;

import dev.llmrouter.domain.balance.LoadBoard;
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
     * @param load         its weight and the load this process has seen on it (balancing)
     */
    record DeploymentStatus(
            Deployment deployment,
            String breaker,
            Optional<Instant> openUntil,
            Optional<Instant> coolingUntil,
            int recentCalls,
            int recentFailures,
            long transitions,
            LoadBoard.Snapshot load) {

        /** A status with no load seen. */
        public DeploymentStatus(Deployment deployment, String breaker, Optional<Instant> openUntil,
                Optional<Instant> coolingUntil, int recentCalls, int recentFailures, long transitions) {
            this(deployment, breaker, openUntil, coolingUntil, recentCalls, recentFailures, transitions,
                    LoadBoard.Snapshot.NONE);
        }

        public DeploymentStatus withLoad(LoadBoard.Snapshot load) {
            return new DeploymentStatus(deployment, breaker, openUntil, coolingUntil, recentCalls, recentFailures,
                    transitions, load);
        }
    }
}

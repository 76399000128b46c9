package dev.llmrouter.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What every several-replicas scenario starts with and closes: a {@link Fleet} of WireMock deployments,
 * the {@link SharedStores} (PostgreSQL, Redis) and {@code n} {@link Replicas} of the jar over them.
 */
final class ReplicaRig implements AutoCloseable {

    final Fleet fleet;
    final SharedStores stores;
    final Replicas replicas;

    private ReplicaRig(Fleet fleet, SharedStores stores, Replicas replicas) {
        this.fleet = fleet;
        this.stores = stores;
        this.replicas = replicas;
    }

    /** Starts {@code n} replicas of the team's plan as {@code plan} sets it, in {@code dir}. */
    static ReplicaRig start(int n, Path dir, UnaryOperator<ChaosGateway.Builder> plan) {
        Fleet fleet = Fleet.primaryAndSecondary();
        SharedStores stores = null;
        try {
            stores = SharedStores.start(dir);
            return new ReplicaRig(fleet, stores, Replicas.start(n, plan.apply(fleet.gateway()), stores, dir));
        } catch (RuntimeException | Error e) {
            if (stores != null) {
                stores.close();
            }
            fleet.close();
            throw e;
        }
    }

    /** The team's records as PostgreSQL holds them, once there are at least {@code expected}. */
    List<LedgerRows.Row> awaitRows(long expected) {
        return Eventually.awaitValue(Duration.ofSeconds(30), expected + " records in PostgreSQL",
                () -> Optional.of(LedgerRows.of(stores, ChaosGateway.ACCOUNT)).filter(l -> l.size() >= expected));
    }

    /** Every record of the team's account now. */
    List<LedgerRows.Row> rows() {
        return LedgerRows.of(stores, ChaosGateway.ACCOUNT);
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {replicas, stores, fleet}) {
            try {
                c.close();
            } catch (Exception e) {
                // the rest still closes
            }
        }
    }
}

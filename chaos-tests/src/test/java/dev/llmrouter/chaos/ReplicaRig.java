package dev.llmrouter.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    private final Path dir;

    private ReplicaRig(Fleet fleet, SharedStores stores, Replicas replicas, Path dir) {
        this.fleet = fleet;
        this.stores = stores;
        this.replicas = replicas;
        this.dir = dir;
    }

    /**
     * Pays each replica's one-time costs (class loading, the first connections to PostgreSQL, Redis and
     * the deployments, the scripts' first load) with the control account's requests, then forgets them
     * in the deployments' journals: the scenario's first requests would otherwise meet a cold process
     * and time out on a busy machine. The team's account, the one the scenarios check, is untouched.
     */
    private void warmUp() {
        LoadDriver driver = new LoadDriver(LoadDriver.newClient());
        for (GatewayProcess replica : replicas.all()) {
            LoadReport r = driver.run("warm-up " + replica.name(), 4, 24, Duration.ofSeconds(30),
                    i -> replicas.chat(replica, ChaosGateway.CONTROL_KEY));
            if (r.succeeded() == 0) {
                throw new AssertionError(replica.name() + " served nothing while warming up: " + r.summary() + "\n"
                        + replica.logTail());
            }
        }
        fleet.all().forEach(FakeDeployment::reset);
    }

    /** Starts {@code n} replicas of the team's plan as {@code plan} sets it, in {@code dir}. */
    static ReplicaRig start(int n, Path dir, UnaryOperator<ChaosGateway.Builder> plan) {
        Fleet fleet = Fleet.primaryAndSecondary();
        SharedStores stores = null;
        try {
            stores = SharedStores.start(dir);
            ReplicaRig rig = new ReplicaRig(fleet, stores, Replicas.start(n, plan.apply(fleet.gateway()), stores, dir), dir);
            rig.warmUp();
            return rig;
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

    /**
     * Closes the replicas, then the stores and the fleet; the replicas' logs are kept under
     * {@code target/replica-logs} (the scenario's temporary directory does not outlive it).
     */
    @Override
    public void close() {
        try {
            replicas.close();
            Path kept = Path.of("target", "replica-logs", dir.getFileName().toString());
            Files.createDirectories(kept);
            try (var logs = Files.newDirectoryStream(dir, "*.log")) {
                for (Path log : logs) {
                    Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the logs are for reading a failure; closing the stores matters more
        }
        for (AutoCloseable c : new AutoCloseable[] {replicas, stores, fleet}) {
            try {
                c.close();
            } catch (Exception e) {
                // the rest still closes
            }
        }
    }
}

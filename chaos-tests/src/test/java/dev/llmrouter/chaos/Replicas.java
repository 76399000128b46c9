package dev.llmrouter.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several gateway replicas ({@link GatewayProcess}, the real jar) started from one configuration file
 * whose {@code storage:} section points every one of them at the same {@link SharedStores}, in front
 * of one {@link Fleet} of WireMock deployments; and the callers' view of them: request {@code i} goes
 * to replica {@code i mod n}, as a round-robin load balancer would send it.
 */
final class Replicas implements AutoCloseable {

    /**
     * The quota lease of every replica: long enough for any request (the request deadline is 5 s),
     * short enough that a killed replica's reservations come back within a scenario.
     */
    static final Duration LEASE = Duration.ofSeconds(8);

    private final List<GatewayProcess> processes;
    private final Duration requestTimeout;

    private Replicas(List<GatewayProcess> processes, Duration requestTimeout) {
        this.processes = processes;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Starts {@code n} replicas of {@code gateway}'s configuration with {@code stores} as their shared
     * storage; their logs and the configuration file go to {@code dir}.
     */
    static Replicas start(int n, ChaosGateway.Builder gateway, SharedStores stores, Path dir) {
        gateway.storage(storageSection(stores));
        Path config = dir.resolve("replicas.yaml");
        try {
            Files.writeString(config, gateway.yaml());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>(gateway.env());
        env.put("CHAOS_PG_PASSWORD", SharedStores.PG_PASSWORD);
        List<GatewayProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                // each its own data directory: a replica's spool is its own (shipped by it alone)
                String name = "replica-" + (i + 1);
                started.add(GatewayProcess.start(name, config, List.of("--data-dir", dir.resolve(name + "-data").toString()),
                        env, dir));
            }
        } catch (RuntimeException | Error e) {
            started.forEach(GatewayProcess::close);
            throw e;
        }
        return new Replicas(List.copyOf(started), ChaosGateway.Retry.SHORT.requestDeadline().plusSeconds(5));
    }

    /**
     * The {@code storage:} section every replica runs with, in the keys the gateway reads (README,
     * "Several replicas"): the shared PostgreSQL ledger (its password from the environment, never in
     * the file), the shared Redis, quota and rate limits failing closed, and a short quota lease. Each
     * replica's spool is under its own {@code --data-dir}.
     */
    static String storageSection(SharedStores stores) {
        return "storage:\n"
                + "  ledger:\n"
                + "    url: " + stores.jdbcUrl() + "\n"
                + "    user: " + SharedStores.PG_USER + "\n"
                + "    password: ${CHAOS_PG_PASSWORD}\n"
                + "    pool-size: 4\n"
                + "  redis:\n"
                + "    url: " + stores.redisUrl() + "\n"
                + "    command-timeout: 1s\n"
                + "  quota:\n"
                + "    when-unavailable: fail-closed\n"
                + "    retry-after: 1s\n"
                + "    lease: " + LEASE.toMillis() + "ms\n"
                + "  rate-limit:\n"
                + "    when-unavailable: fail-closed\n";
    }

    List<GatewayProcess> all() {
        return processes;
    }

    GatewayProcess get(int i) {
        return processes.get(i);
    }

    int size() {
        return processes.size();
    }

    /** The {@code i}-th request of the load: a chat of the team's account to replica {@code i mod n}. */
    HttpRequest chat(int i) {
        return chat(processes.get(Math.floorMod(i, processes.size())), ChaosGateway.KEY);
    }

    HttpRequest chat(GatewayProcess replica, String key) {
        return HttpRequest.newBuilder(replica.base().resolve("/v1/chat/completions"))
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ChaosGateway.PROMPT + "}"))
                .build();
    }

    /** {@code GET path} on one replica with {@code key}, the answer's body as JSON (200 required). */
    static JsonNode getJson(GatewayProcess replica, String path, String key) {
        URI uri = replica.base().resolve(path);
        try {
            HttpResponse<String> r = LoadDriver.newClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + uri + " answered " + r.statusCode() + ": " + r.body());
            }
            return ChaosGateway.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code /v1/usage} of the team's account for this month, as each replica answers it. */
    List<JsonNode> usageFromEach(String query) {
        return processes.stream().filter(GatewayProcess::alive)
                .map(p -> getJson(p, "/v1/usage" + query, ChaosGateway.KEY)).toList();
    }

    @Override
    public void close() {
        processes.forEach(GatewayProcess::close);
    }
}

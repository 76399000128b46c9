package dev.llmrouter.app.config;

import dev.llmrouter.adapters.otel.TracingSettings;
import dev.llmrouter.domain.balance.BalancingSettings;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.routing.RetrySettings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated gateway configuration, in the domain's own types: the {@link Fleet} (catalog, regions,
 * deployments), the {@link Plan}s, and what the wiring needs besides (how to reach each deployment,
 * accounts, breaker and retry settings, the server). Made only by {@link ConfigLoader}, which
 * guarantees every reference resolves.
 *
 * @param source      where it came from (file name or {@code embedded default}), for messages
 * @param fleet       catalog, regions and deployments
 * @param plans       plans by id, in file order
 * @param accounts    the accounts
 * @param connections how to call each deployment (one entry per deployment of the fleet)
 * @param breakers    effective breaker settings per deployment (defaults merged with overrides)
 * @param retry       retry and time limits
 * @param server      HTTP server settings
 * @param ledger      the in-memory usage ledger's bound (used only when {@code storage} keeps the ledger in memory)
 * @param storage     where the ledger, quotas and rate limits are kept, and what happens when a store fails
 * @param telemetry   where traces go over OTLP, and whether metrics go too (Requirement 10.3)
 */
public record GatewayConfig(
        String source,
        Fleet fleet,
        Map<String, Plan> plans,
        List<AccountSpec> accounts,
        Map<DeploymentId, DeploymentSettings> connections,
        BreakerSettings breakerDefaults,
        Map<DeploymentId, BreakerSettings> breakers,
        RetrySettings retry,
        ServerSettings server,
        LedgerSettings ledger,
        BalancingSettings balancing,
        StorageSettings storage,
        TracingSettings telemetry) {

    public GatewayConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(breakerDefaults, "breakerDefaults");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(telemetry, "telemetry");
        plans = Collections.unmodifiableMap(new LinkedHashMap<>(plans));
        accounts = List.copyOf(accounts);
        connections = Collections.unmodifiableMap(new LinkedHashMap<>(connections));
        breakers = Collections.unmodifiableMap(new LinkedHashMap<>(breakers));
    }

    /** A configuration without tracing. */
    public GatewayConfig(String source, Fleet fleet, Map<String, Plan> plans, List<AccountSpec> accounts,
            Map<DeploymentId, DeploymentSettings> connections, BreakerSettings breakerDefaults,
            Map<DeploymentId, BreakerSettings> breakers, RetrySettings retry, ServerSettings server, LedgerSettings ledger,
            BalancingSettings balancing, StorageSettings storage) {
        this(source, fleet, plans, accounts, connections, breakerDefaults, breakers, retry, server, ledger, balancing,
                storage, TracingSettings.OFF);
    }

    public Plan plan(String id) {
        Plan plan = plans.get(id);
        if (plan == null) {
            throw new IllegalArgumentException("no plan '" + id + "'");
        }
        return plan;
    }

    public DeploymentSettings connection(DeploymentId id) {
        DeploymentSettings settings = connections.get(id);
        if (settings == null) {
            throw new IllegalArgumentException("no deployment '" + id + "'");
        }
        return settings;
    }

    public BreakerSettings breaker(DeploymentId id) {
        return breakers.getOrDefault(id, breakerDefaults);
    }

    /** True when every deployment is simulated (the embedded default, demos, tests). */
    public boolean fullySimulated() {
        return connections.values().stream().allMatch(c -> c instanceof DeploymentSettings.Simulated);
    }

    public GatewayConfig withServer(ServerSettings newServer) {
        return new GatewayConfig(source, fleet, plans, accounts, connections, breakerDefaults, breakers, retry, newServer, ledger,
                balancing, storage, telemetry);
    }

    public GatewayConfig withLedger(LedgerSettings newLedger) {
        return new GatewayConfig(source, fleet, plans, accounts, connections, breakerDefaults, breakers, retry, server, newLedger,
                balancing, storage, telemetry);
    }

    public GatewayConfig withStorage(StorageSettings newStorage) {
        return new GatewayConfig(source, fleet, plans, accounts, connections, breakerDefaults, breakers, retry, server, ledger,
                balancing, newStorage, telemetry);
    }

    public GatewayConfig withTelemetry(TracingSettings newTelemetry) {
        return new GatewayConfig(source, fleet, plans, accounts, connections, breakerDefaults, breakers, retry, server, ledger,
                balancing, storage, newTelemetry);
    }
}

package dev.llmrouter.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.adapters.otel.Tracing;
import dev.llmrouter.adapters.otel.TracingSettings;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.UnavailableStorePolicy;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sections of a configuration that declare nothing another section names: {@code breakers},
 * {@code retry}, {@code server}, {@code ledger}, {@code storage} and {@code telemetry}. Each is read
 * over its defaults, a key that is absent or reported keeping the default's value, and its rules
 * across keys checked; problems go to the reading's {@link ConfigBinder}. The one reference out of
 * these sections, a breaker override's deployment, is checked against the ids the caller passes.
 */
final class SettingsReader {

    /** The breakers every deployment gets: the defaults, and an override merged over them per deployment. */
    record Breakers(BreakerSettings defaults, Map<DeploymentId, BreakerSettings> byDeployment) {}

    private final ConfigBinder binder;
    private final Optional<Path> dataDir;

    SettingsReader(ConfigBinder binder, Optional<Path> dataDir) {
        this.binder = binder;
        this.dataDir = dataDir;
    }

    /** The {@code breakers:} section, every deployment given the defaults unless overridden. */
    Breakers readBreakers(JsonNode node, Set<String> deploymentIds, Collection<Deployment> deployments) {
        BreakerSettings defaults = BreakerSettings.DEFAULTS;
        Map<DeploymentId, BreakerSettings> breakers = new LinkedHashMap<>();
        Optional<ConfigFile.Breakers> b = binder.bind(node, "breakers", ConfigFile.Breakers.class);
        if (b.isPresent()) {
            defaults = readBreaker(b.get().defaults(), "breakers.defaults", BreakerSettings.DEFAULTS);
            // Overrides of invalid defaults merge over the built-in ones: each mistake is reported once.
            BreakerSettings base = binder.hasProblemsAt("breakers.defaults") ? BreakerSettings.DEFAULTS : defaults;
            for (Map.Entry<String, JsonNode> e : binder.mapping(b.get().deployments(), "breakers.deployments")) {
                String at = "breakers.deployments." + e.getKey();
                if (!deploymentIds.contains(e.getKey())) {
                    binder.problem(at, "unknown deployment '" + e.getKey() + "'");
                }
                breakers.put(DeploymentId.of(e.getKey()), readBreaker(e.getValue(), at, base));
            }
        }
        for (Deployment d : deployments) {
            breakers.putIfAbsent(d.id(), defaults);
        }
        return new Breakers(defaults, breakers);
    }

    /** The {@code ledger:} section: how many records the in-memory ledger keeps. */
    LedgerSettings readLedger(JsonNode node) {
        return binder.bind(node, "ledger", ConfigFile.LedgerEntry.class)
                .map(l -> new LedgerSettings(binder.or(l.maxRecords(), "ledger.max-records", LedgerSettings.DEFAULT_MAX_RECORDS)))
                .orElse(LedgerSettings.DEFAULTS);
    }

    /** The {@code telemetry:} section (Requirement 10.3): off without an endpoint unless {@code OTEL_*} says otherwise. */
    TracingSettings readTelemetry(JsonNode node) {
        TracingSettings d = TracingSettings.OFF;
        Optional<ConfigFile.TelemetryEntry> bound = binder.bind(node, "telemetry", ConfigFile.TelemetryEntry.class);
        if (bound.isPresent() && TracingSettings.GRPC.equals(bound.get().protocol())
                && !Tracing.grpcSenderAvailable()) {
            // Only a build that left out opentelemetry-exporter-sender-okhttp gets here.
            binder.problem("telemetry.protocol", "grpc needs a gRPC sender on the class path, which this build "
                    + "does not carry: use http/protobuf (a collector's port 4318)");
        }
        return bound.map(t -> new TracingSettings(
                binder.or(t.endpoint(), "telemetry.endpoint", d.endpoint()),
                binder.or(t.protocol(), "telemetry.protocol", d.protocol()),
                textMapping(t.headers(), "telemetry.headers"),
                binder.or(t.samplingRatio(), "telemetry.sampling-ratio", BigDecimal.ONE).doubleValue(),
                binder.or(t.serviceName(), "telemetry.service-name", d.serviceName()),
                textMapping(t.resourceAttributes(), "telemetry.resource-attributes"),
                binder.or(t.maxQueueSize(), "telemetry.max-queue-size", (long) d.maxQueueSize()).intValue(),
                binder.or(t.scheduleDelay(), "telemetry.schedule-delay", d.scheduleDelay()),
                binder.or(t.exportTimeout(), "telemetry.export-timeout", d.exportTimeout()),
                binder.or(t.metrics(), "telemetry.metrics", d.metrics()),
                binder.or(t.metricsStep(), "telemetry.metrics-step", d.metricsStep())))
                .orElse(d);
    }

    /** A mapping of names to text values; anything else is reported at {@code at}. */
    private Map<String, String> textMapping(JsonNode node, String at) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : binder.mapping(node, at, "must be a mapping of names to values")) {
            if (!e.getValue().isValueNode() || e.getValue().isNull() || e.getKey().isBlank()) {
                binder.problem(at + "." + e.getKey(), "must be a single value");
            } else if (e.getKey().contains(",") || e.getKey().contains("=")) {
                binder.problem(at + "." + e.getKey(), "a name cannot contain ',' or '='");
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    /** One breaker's keys merged over {@code base}: a key absent, or reported, keeps the base's value. */
    private BreakerSettings readBreaker(JsonNode node, String at, BreakerSettings base) {
        Optional<ConfigFile.BreakerEntry> bound = binder.bind(node, at, ConfigFile.BreakerEntry.class);
        if (bound.isEmpty()) {
            return base;
        }
        ConfigFile.BreakerEntry b = bound.get();
        if (node.hasNonNull("window-calls") && node.hasNonNull("window-duration")) {
            binder.problem(at, "give window-calls or window-duration, not both");
        }
        int windowCalls = base.windowCalls();
        Optional<Duration> windowDuration = base.windowDuration();
        if (node.hasNonNull("window-calls")) {
            windowCalls = binder.or(b.windowCalls(), at + ".window-calls", (long) base.windowCalls()).intValue();
            windowDuration = Optional.empty();
        } else if (node.hasNonNull("window-duration") && !binder.hasProblemsAt(at + ".window-duration")) {
            windowDuration = Optional.of(b.windowDuration());
        }
        BreakerSettings s = new BreakerSettings(windowCalls, windowDuration,
                binder.or(b.minimumCalls(), at + ".minimum-calls", (long) base.minimumCalls()).intValue(),
                binder.or(b.failureRateThreshold(), at + ".failure-rate-threshold", (long) base.failureRateThreshold()).intValue(),
                Optional.ofNullable(binder.or(b.slowCallThreshold(), at + ".slow-call-threshold", base.slowCallThreshold().orElse(null))),
                binder.or(b.openDuration(), at + ".open-duration", base.openDuration()),
                binder.or(b.openDurationMultiplier(), at + ".open-duration-multiplier", (long) base.openDurationMultiplier()).intValue(),
                binder.or(b.maxOpenDuration(), at + ".max-open-duration", base.maxOpenDuration()),
                binder.or(b.halfOpenProbes(), at + ".half-open-probes", (long) base.halfOpenProbes()).intValue());
        s.problems().forEach(message -> binder.problem(at, message));
        return s;
    }

    /**
     * The {@code retry:} section, read into the router's own settings. A bound the record would
     * refuse is a problem at its path, and the defaults stand in until the start stops with it.
     */
    RetrySettings readRetry(JsonNode node) {
        RetrySettings d = RetrySettings.defaults();
        Optional<ConfigFile.RetryEntry> bound = binder.bind(node, "retry", ConfigFile.RetryEntry.class);
        if (bound.isEmpty()) {
            return d;
        }
        ConfigFile.RetryEntry r = bound.get();
        int attempts = binder.or(r.attemptsPerDeployment(), "retry.attempts-per-deployment",
                (long) d.sameDeploymentRetries() + 1).intValue();
        Duration initialBackoff = binder.or(r.initialBackoff(), "retry.initial-backoff", d.backoffMin());
        Duration maxBackoff = binder.or(r.maxBackoff(), "retry.max-backoff", d.backoffMax());
        double jitter = binder.or(r.jitter(), "retry.jitter", BigDecimal.valueOf(d.jitter())).doubleValue();
        Duration requestDeadline = binder.or(r.requestDeadline(), "retry.request-deadline", d.requestDeadline());
        Duration attemptTimeout = binder.or(r.attemptTimeout(), "retry.attempt-timeout", d.attemptTimeout());
        Duration firstTokenTimeout = binder.or(r.firstTokenTimeout(), "retry.first-token-timeout", d.firstTokenTimeout());
        boolean valid = true;
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            binder.problem("retry.max-backoff", "cannot be shorter than initial-backoff");
            valid = false;
        }
        if (attemptTimeout.compareTo(requestDeadline) > 0) {
            binder.problem("retry.attempt-timeout", "cannot be longer than request-deadline (" + requestDeadline + ")");
        }
        return valid ? new RetrySettings(attempts - 1, initialBackoff, maxBackoff, jitter, requestDeadline,
                attemptTimeout, firstTokenTimeout) : d;
    }

    /**
     * The {@code storage:} section over the defaults of the loader's data directory: with none, the
     * ledger is an H2 file there (or in memory without a data directory), quotas and rate limits
     * stay in the process, and both fail closed.
     */
    StorageSettings readStorage(JsonNode node) {
        StorageSettings.LedgerStore ledger = dataDir.<StorageSettings.LedgerStore>map(StorageSettings.LedgerStore.EmbeddedFile::new)
                .orElseGet(StorageSettings.LedgerStore.InMemory::new);
        Optional<Path> spool = dataDir.map(d -> d.resolve("spool"));
        Optional<ConfigFile.StorageEntry> bound = binder.bind(node, "storage", ConfigFile.StorageEntry.class);
        if (bound.isEmpty()) {
            return new StorageSettings(ledger, Optional.empty(), UnavailableStorePolicy.FAIL_CLOSED,
                    UnavailableStorePolicy.FAIL_CLOSED, spool);
        }
        ConfigFile.StorageEntry s = bound.get();
        ConfigFile.StorageLedgerEntry l = s.ledger();
        if (l != null && l.kind() == ConfigFile.LedgerKind.MEMORY) {
            if (l.url() != null) {
                binder.problem("storage.ledger.url", "is not read by the in-memory ledger (kind: memory)");
            }
            ledger = new StorageSettings.LedgerStore.InMemory();
        } else if (l != null && l.url() == null && !binder.hasProblemsAt("storage.ledger.url")) {
            binder.problem("storage.ledger.url", "is required: a JDBC URL such as jdbc:postgresql://host:5432/llmrouter"
                    + " (or kind: memory)");
        } else if (l != null && !binder.hasProblemsAt("storage.ledger.url")) {
            if (!l.url().startsWith("jdbc:")) {
                // Not quoted: a JDBC URL may carry a password.
                binder.problem("storage.ledger.url", "must be a JDBC URL such as jdbc:postgresql://host:5432/llmrouter");
            }
            ledger = new StorageSettings.LedgerStore.Jdbc(l.url(), Optional.ofNullable(l.user()),
                    Optional.ofNullable(l.password()).map(Secret::new),
                    binder.or(l.poolSize(), "storage.ledger.pool-size", (long) StorageSettings.DEFAULT_POOL_SIZE).intValue());
        }
        Optional<StorageSettings.RedisSettings> redis = Optional.empty();
        ConfigFile.RedisEntry r = s.redis();
        if (r != null && r.url() != null && !binder.hasProblemsAt("storage.redis.url")) {
            redis = redisUri(r.url()).map(uri -> new StorageSettings.RedisSettings(uri,
                    binder.or(r.commandTimeout(), "storage.redis.command-timeout", StorageSettings.DEFAULT_COMMAND_TIMEOUT)));
        }
        if (s.spoolDir() != null) {
            spool = Optional.of(Path.of(s.spoolDir()));
        }
        if (r != null && (l == null || l.kind() == ConfigFile.LedgerKind.MEMORY)) {
            // A month Redis loses is rebuilt from the ledger: one replica's own file would undercount it.
            binder.problem("storage.redis", "needs a ledger every replica shares (storage.ledger.url)");
        }
        if (ledger instanceof StorageSettings.LedgerStore.Jdbc && spool.isEmpty()) {
            binder.problem("storage.spool-dir", "is required with a JDBC ledger when the gateway has no data directory");
        }
        ConfigFile.QuotaPolicyEntry q = s.quota();
        Duration lease = q == null ? QuotaStore.DEFAULT_LEASE : binder.or(q.lease(), "storage.quota.lease", QuotaStore.DEFAULT_LEASE);
        UnavailableStorePolicy quota = q == null ? UnavailableStorePolicy.FAIL_CLOSED
                : policy(new ConfigFile.StorePolicyEntry(q.whenUnavailable(), q.retryAfter()), "storage.quota");
        return new StorageSettings(ledger, redis, quota, policy(s.rateLimit(), "storage.rate-limit"), spool, lease);
    }

    private Optional<URI> redisUri(String text) {
        try {
            URI uri = new URI(text);
            if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below, like any other URL that names no Redis server
        }
        binder.problem("storage.redis.url", "must be a Redis URL such as redis://host:6379 (or rediss:// for TLS)");
        return Optional.empty();
    }

    private UnavailableStorePolicy policy(ConfigFile.StorePolicyEntry entry, String at) {
        if (entry == null) {
            return UnavailableStorePolicy.FAIL_CLOSED;
        }
        Duration retryAfter = binder.or(entry.retryAfter(), at + ".retry-after", UnavailableStorePolicy.FAIL_CLOSED.retryAfter());
        ConfigFile.WhenUnavailable when = binder.or(entry.whenUnavailable(), at + ".when-unavailable",
                ConfigFile.WhenUnavailable.FAIL_CLOSED);
        if (when == ConfigFile.WhenUnavailable.FAIL_OPEN && entry.retryAfter() != null) {
            binder.problem(at + ".retry-after", "applies only when-unavailable: fail-closed");
        }
        return when == ConfigFile.WhenUnavailable.FAIL_OPEN ? UnavailableStorePolicy.FAIL_OPEN
                : UnavailableStorePolicy.failClosed(retryAfter);
    }

    ServerSettings readServer(JsonNode node) {
        ServerSettings d = ServerSettings.defaults(ServerSettings.DEFAULT_PORT,
                dev.llmrouter.app.http.GatewayContext.DEFAULT_MAX_BODY_BYTES);
        return binder.bind(node, "server", ConfigFile.ServerEntry.class).map(s -> new ServerSettings(
                binder.or(s.port(), "server.port", (long) d.port()).intValue(),
                binder.or(s.maxBodyBytes(), "server.max-body-bytes", d.maxBodyBytes()),
                binder.or(s.shutdownGrace(), "server.shutdown-grace", d.shutdownGrace()),
                binder.or(s.bodyReadTimeout(), "server.body-read-timeout", d.bodyReadTimeout()),
                binder.or(s.bodyMinBytesPerSecond(), "server.body-min-bytes-per-second", d.bodyMinBytesPerSecond()),
                binder.or(s.maxConnections(), "server.max-connections", (long) d.maxConnections()).intValue()))
                .orElse(d);
    }
}

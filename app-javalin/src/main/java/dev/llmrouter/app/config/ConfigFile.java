package dev.llmrouter.app.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.region.Geography;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The configuration file's shape, as records that {@link ConfigBinder} binds (keys in kebab case:
 * {@code contextWindow} is {@code context-window}) and Bean Validation checks. Each bound of a
 * setting is stated here once, on its component; a component is null when the key is absent (the
 * default applies) or its value could not be read (reported). What a record cannot say alone (a
 * reference to another entry, a rule across two keys, a default from elsewhere) {@link ConfigLoader}
 * checks.
 *
 * <p>A section that may hold either of two shapes (a deployment's {@code auth} or {@code simulated},
 * a breaker override's keys merged over the defaults) is kept as a {@link JsonNode} here and bound
 * once the loader knows which shape applies, so that which keys were written stays visible.
 */
final class ConfigFile {

    private ConfigFile() {}

    /** The top level: its keys are the sections; any other key is reported. */
    record Sections(JsonNode server, JsonNode ledger, JsonNode regions, JsonNode catalog, JsonNode deployments,
            JsonNode plans, JsonNode accounts, JsonNode breakers, JsonNode retry, JsonNode balancing,
            JsonNode storage, JsonNode telemetry) {}

    record RegionEntry(@NotNull String name, @NotNull Geography geography) {}

    record Catalog(JsonNode models, JsonNode tiers) {}

    record ModelEntry(
            @NotNull String id,
            String family,
            @NotNull Tier tier,
            @NotNull @Range(min = 1, max = Integer.MAX_VALUE) Long contextWindow,
            @NotNull @Range(min = 0, max = Integer.MAX_VALUE) Long maxOutputTokens,
            @NotNull TokenEncoding encoding,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> capabilities,
            @NotNull @Valid PriceEntry price) {}

    /**
     * {@code per} is {@code 1M} (the default) or {@code 1K}: dollars per million or per thousand tokens.
     * {@code cached-input} (prompt tokens read from the cache) and {@code cache-write} (written to it)
     * default to {@code input}.
     */
    record PriceEntry(String per, @NotNull BigDecimal input, @NotNull BigDecimal output, BigDecimal cachedInput,
            BigDecimal cacheWrite) {}

    /**
     * A deployment's own prices where its deployment type is billed apart from its model's list prices;
     * each key absent keeps the model's price of that kind.
     */
    record PriceOverride(String per, BigDecimal input, BigDecimal output, BigDecimal cachedInput,
            BigDecimal cacheWrite) {}

    record DeploymentEntry(
            @NotNull String id,
            @NotNull String model,
            @NotNull String region,
            ChainRole role,
            @Range(min = 0, max = 1_000_000) Long weight,
            String endpoint,
            String azureDeployment,
            String apiVersion,
            String api,
            JsonNode auth,
            JsonNode simulated,
            @Valid PriceOverride price,
            String spilloverTo) {}

    /** Exactly one of the two: a key from an environment variable, or Entra ID (its client id optional). */
    record AuthEntry(String apiKeyEnv, JsonNode entraId) {}

    record EntraIdEntry(String clientId) {}

    record SimulationEntry(
            Duration latency,
            Duration chunkDelay,
            @Range(min = 0, max = 1) BigDecimal failureRate,
            @Range(min = 0, max = 1) BigDecimal throttleRate,
            Duration retryAfter,
            @Range(min = 0, max = 1) BigDecimal slowRate,
            Duration slowLatency,
            @Range(min = 0, max = 1) BigDecimal streamCutRate,
            Long seed,
            @Range(min = 0, max = Long.MAX_VALUE) Long tokensPerMinute,
            @Range(min = 0, max = Long.MAX_VALUE) Long requestsPerMinute) {}

    record PlanEntry(
            @NotNull String id,
            @NotNull Tier highestTier,
            Tier defaultTier,
            Boolean fallDown,
            @Valid QuotaEntry quota,
            @Valid RateLimitsEntry rateLimits,
            @Range(min = 1, max = Integer.MAX_VALUE) Long maxConcurrentRequests) {}

    /** Absent limits are unlimited. */
    record QuotaEntry(
            @DecimalMin(value = "0", message = "cannot be negative") BigDecimal costPerMonth,
            @Range(min = 0, max = Long.MAX_VALUE) Long tokensPerMonth) {}

    /** Absent limits (or 0) are unlimited. */
    record RateLimitsEntry(
            @Range(min = 0, max = Long.MAX_VALUE) Long requestsPerMinute,
            @Range(min = 0, max = Long.MAX_VALUE) Long tokensPerMinute) {}

    record AccountEntry(
            @NotNull String id,
            @NotNull String plan,
            Boolean operator,
            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> keyHashes) {}

    record Breakers(JsonNode defaults, JsonNode deployments) {}

    /** One breaker's settings; absent keys keep the defaults they are merged over ({@link BreakerSettings}). */
    record BreakerEntry(
            @Range(min = 1, max = 10_000) Long windowCalls,
            @DurationRange(min = "10ms", max = "1h") Duration windowDuration,
            @Range(min = 1, max = 100_000) Long minimumCalls,
            @Range(min = 1, max = 100) Long failureRateThreshold,
            Duration slowCallThreshold,
            @DurationMin(nanos = 1, message = "must be positive") Duration openDuration,
            @Range(min = 1, max = 1_000) Long openDurationMultiplier,
            @DurationRange(min = "1ms", max = "24h") Duration maxOpenDuration,
            @Range(min = 1, max = 1_000) Long halfOpenProbes) {}

    record RetryEntry(
            @Range(min = 1, max = 10) Long attemptsPerDeployment,
            @DurationMin(nanos = 0, message = "cannot be negative") Duration initialBackoff,
            Duration maxBackoff,
            @Range(min = 0, max = 1) BigDecimal jitter,
            @DurationMin(nanos = 1, message = "must be positive") Duration requestDeadline,
            @DurationMin(nanos = 1, message = "must be positive") Duration attemptTimeout,
            @DurationMin(nanos = 1, message = "must be positive") Duration firstTokenTimeout) {}

    record ServerEntry(
            @Range(min = 0, max = 65_535) Long port,
            @Range(min = 1, max = Long.MAX_VALUE) Long maxBodyBytes,
            Duration shutdownGrace,
            @DurationMin(nanos = 1, message = "must be positive") Duration bodyReadTimeout,
            @Range(min = 1, max = Long.MAX_VALUE) Long bodyMinBytesPerSecond,
            @Range(min = 1, max = Integer.MAX_VALUE) Long maxConnections) {}

    /**
     * {@code balancing:}: the default strategy, and strategies per tier and per model (mappings from a
     * tier or model id to a strategy name); names are checked by the loader against the strategies.
     */
    record BalancingEntry(String strategy, JsonNode tiers, JsonNode models) {}

    record LedgerEntry(@Range(min = 1, max = Long.MAX_VALUE) Long maxRecords) {}

    /** {@code storage:}; absent parts keep the defaults of {@link StorageSettings}. */
    record StorageEntry(
            @Valid StorageLedgerEntry ledger,
            @Valid RedisEntry redis,
            @Valid QuotaPolicyEntry quota,
            @Valid StorePolicyEntry rateLimit,
            String spoolDir) {}

    /**
     * {@code storage.ledger}: a JDBC ledger (the password is meant to come from the environment,
     * {@code ${VAR}}), or {@code kind: memory}, the bounded in-memory ledger that keeps nothing across a
     * restart (for measuring the gateway without a database).
     */
    record StorageLedgerEntry(
            LedgerKind kind,
            String url,
            String user,
            String password,
            @Range(min = 1, max = 1_000) Long poolSize) {}

    record RedisEntry(
            @NotNull String url,
            @DurationRange(min = "1ms", max = "1m") Duration commandTimeout) {}

    record StorePolicyEntry(
            WhenUnavailable whenUnavailable,
            @DurationRange(min = "1s", max = "1h") Duration retryAfter) {}

    /**
     * {@code storage.quota}: the policy, and how long a reservation holds its worst case when the
     * process that made it never settles (it died).
     */
    record QuotaPolicyEntry(
            WhenUnavailable whenUnavailable,
            @DurationRange(min = "1s", max = "1h") Duration retryAfter,
            @DurationRange(min = "1s", max = "24h") Duration lease) {}

    /**
     * {@code telemetry:}: where traces (and, with {@code metrics: true}, metrics) go over OTLP; absent or
     * without an endpoint, tracing stays off unless the {@code OTEL_*} variables configure it.
     * {@code headers} and {@code resource-attributes} are mappings of names to text.
     */
    record TelemetryEntry(
            String endpoint,
            @jakarta.validation.constraints.Pattern(regexp = "http/protobuf|grpc",
                    message = "must be http/protobuf or grpc") String protocol,
            JsonNode headers,
            @Range(min = 0, max = 1) BigDecimal samplingRatio,
            String serviceName,
            JsonNode resourceAttributes,
            @Range(min = 1, max = 1_000_000) Long maxQueueSize,
            @DurationRange(min = "1ms", max = "1m") Duration scheduleDelay,
            @DurationRange(min = "1ms", max = "5m") Duration exportTimeout,
            Boolean metrics,
            @DurationRange(min = "1s", max = "1h") Duration metricsStep) {}

    /** What a check does when its store cannot answer. */
    enum WhenUnavailable { FAIL_CLOSED, FAIL_OPEN }

    enum LedgerKind { JDBC, MEMORY }
}

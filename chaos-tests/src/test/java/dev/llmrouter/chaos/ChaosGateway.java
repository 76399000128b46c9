package dev.llmrouter.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.app.Gateway;
import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.config.KeyHasher;
import dev.llmrouter.domain.usage.UsageRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The real gateway — configuration loader, wiring, router, Azure SDK adapter, HTTP API — started on a
 * free loopback port in front of {@link FakeDeployment}s, configured the way an operator would: a
 * YAML file whose deployments point at the fakes' endpoints with {@code api-key-env}, breaker and
 * retry settings made short so that a scenario runs in seconds (breakers open for 300 ms).
 *
 * <p>Also the scenarios' view of the running gateway, over HTTP as an operator sees it
 * ({@code /admin/deployments}, {@code /metrics}) and, for usage records, through the ledger the
 * gateway was built with.
 */
final class ChaosGateway implements AutoCloseable {

    static final String MODEL = "gpt-4o-mini";
    static final String ACCOUNT = "chaos-team";
    static final String KEY = "chaos-team-key";
    static final String OPS_KEY = "chaos-ops-key";
    /** A second account on the same plan, untouched by the faults: the yardstick of a full quota. */
    static final String CONTROL_ACCOUNT = "chaos-control";
    static final String CONTROL_KEY = "chaos-control-key";
    static final String UPSTREAM_KEY = "upstream-key-for-fakes";
    /** The gateway's body limit in every scenario (1 MiB). */
    static final long MAX_BODY_BYTES = 1_048_576;
    static final ObjectMapper JSON = new ObjectMapper();

    /** One deployment of the fleet under test. */
    record Dep(String id, String region, String role, FakeDeployment fake) {}

    /** The breaker settings of every deployment. */
    record Breakers(int windowCalls, int minimumCalls, int failureRateThreshold, Duration openDuration,
                    int multiplier, Duration maxOpenDuration, int halfOpenProbes) {

        /** Opens after 5 calls at 50 % failures, for 300 ms, doubling up to 2 s; 2 probes. */
        static final Breakers SHORT = new Breakers(10, 5, 50, Duration.ofMillis(300), 2, Duration.ofSeconds(2), 2);
    }

    /** Retry and time limits of one request. */
    record Retry(int attemptsPerDeployment, Duration initialBackoff, Duration maxBackoff, Duration requestDeadline,
                 Duration attemptTimeout, Duration firstTokenTimeout) {

        /**
         * One attempt per deployment, short backoffs, 1.5 s per attempt, 5 s per request: far above a
         * healthy fake's few milliseconds, yet enough slack that a 2-core machine busy with other builds
         * does not turn a scheduling pause into a timeout.
         */
        static final Retry SHORT = new Retry(1, Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(5),
                Duration.ofMillis(1_500), Duration.ofMillis(1_500));
    }

    static final class Builder {
        private final List<Dep> deps = new ArrayList<>();
        private Breakers breakers = Breakers.SHORT;
        private Retry retry = Retry.SHORT;
        private String costPerMonth;
        private TeamLimits teamLimits;
        private Duration bodyReadTimeout;
        private String storage;
        private String strategy;
        private final Map<String, Integer> weights = new HashMap<>();

        Builder deployment(String id, String region, String role, FakeDeployment fake) {
            deps.add(new Dep(id, region, role, fake));
            return this;
        }

        Builder breakers(Breakers b) {
            this.breakers = b;
            return this;
        }

        Builder retry(Retry r) {
            this.retry = r;
            return this;
        }

        /** A monthly cost quota for the team's account, in USD (exact decimal). */
        Builder costQuota(String usd) {
            this.costPerMonth = usd;
            return this;
        }

        /**
         * Per-minute request limit and requests in progress for the team's account; the control account
         * then moves to a plan of its own without limits, so it is a bystander the team cannot slow by
         * exhausting a shared plan.
         */
        Builder teamLimits(int requestsPerMinute, int maxConcurrentRequests) {
            this.teamLimits = new TeamLimits(requestsPerMinute, maxConcurrentRequests);
            return this;
        }

        /** The balancing strategy ({@code balancing.strategy}); the gateway's default when not set. */
        Builder balancing(String strategy) {
            this.strategy = strategy;
            return this;
        }

        /** A deployment's balancing weight ({@code deployments[].weight}); 1 when not set. */
        Builder weight(String deploymentId, int weight) {
            this.weights.put(deploymentId, weight);
            return this;
        }

        /** The body deadline ({@code server.body-read-timeout}); the gateway's default when not set. */
        Builder bodyReadTimeout(Duration timeout) {
            this.bodyReadTimeout = timeout;
            return this;
        }

        /** A {@code storage:} section, as YAML lines (replicas sharing PostgreSQL and Redis). */
        Builder storage(String section) {
            this.storage = section;
            return this;
        }

        String yaml() {
            StringBuilder y = new StringBuilder();
            if (storage != null) {
                y.append(storage).append('\n');
            }
            y.append("server:\n  max-body-bytes: ").append(MAX_BODY_BYTES).append("\n  shutdown-grace: 2s\n");
            if (bodyReadTimeout != null) {
                y.append("  body-read-timeout: ").append(bodyReadTimeout.toMillis()).append("ms\n");
            }
            y.append('\n');
            y.append("regions:\n");
            y.append("  - { name: eastus, geography: us }\n");
            y.append("  - { name: eastus2, geography: us }\n");
            y.append("  - { name: westeurope, geography: eu }\n");
            y.append("  - { name: swedencentral, geography: eu }\n\n");
            // GPT-4o-mini list price, as in the example catalog: $0.15 in / $0.60 out per 1M.
            y.append("catalog:\n  models:\n    - id: ").append(MODEL).append("\n")
                    .append("      family: gpt-4o\n      tier: economy\n      context-window: 128000\n")
                    .append("      max-output-tokens: 16384\n      encoding: o200k_base\n")
                    .append("      capabilities: [vision, tools]\n")
                    .append("      price: { per: 1M, input: \"0.15\", output: \"0.60\" }\n")
                    .append("  tiers:\n    economy: ").append(MODEL).append("\n\n");
            y.append("deployments:\n");
            for (Dep d : deps) {
                y.append("  - id: ").append(d.id()).append("\n    model: ").append(MODEL)
                        .append("\n    region: ").append(d.region()).append("\n    role: ").append(d.role())
                        .append("\n    endpoint: ${CHAOS_ENDPOINT_").append(envName(d.id())).append("}")
                        .append("\n    azure-deployment: ").append(MODEL)
                        .append("\n    auth: { api-key-env: CHAOS_UPSTREAM_KEY }\n");
                if (weights.containsKey(d.id())) {
                    y.append("    weight: ").append(weights.get(d.id())).append('\n');
                }
            }
            if (strategy != null) {
                y.append("\nbalancing:\n  strategy: ").append(strategy).append('\n');
            }
            y.append("\nplans:\n  - id: chaos\n    highest-tier: economy\n    default-tier: economy\n    fall-down: false\n");
            if (costPerMonth != null) {
                y.append("    quota: { cost-per-month: \"").append(costPerMonth).append("\" }\n");
            }
            String controlPlan = "chaos";
            if (teamLimits != null) {
                y.append("    rate-limits: { requests-per-minute: ").append(teamLimits.requestsPerMinute()).append(" }\n")
                        .append("    max-concurrent-requests: ").append(teamLimits.maxConcurrentRequests()).append('\n');
                y.append("  - id: steady\n    highest-tier: economy\n    default-tier: economy\n    fall-down: false\n");
                controlPlan = "steady";
            }
            y.append("\naccounts:\n");
            y.append("  - id: ").append(ACCOUNT).append("\n    plan: chaos\n    key-hashes: [ \"")
                    .append(KeyHasher.hash(KEY)).append("\" ]\n");
            y.append("  - id: ").append(CONTROL_ACCOUNT).append("\n    plan: ").append(controlPlan)
                    .append("\n    key-hashes: [ \"")
                    .append(KeyHasher.hash(CONTROL_KEY)).append("\" ]\n");
            y.append("  - id: chaos-ops\n    plan: chaos\n    operator: true\n    key-hashes: [ \"")
                    .append(KeyHasher.hash(OPS_KEY)).append("\" ]\n\n");
            y.append("breakers:\n  defaults:\n")
                    .append("    window-calls: ").append(breakers.windowCalls()).append('\n')
                    .append("    minimum-calls: ").append(breakers.minimumCalls()).append('\n')
                    .append("    failure-rate-threshold: ").append(breakers.failureRateThreshold()).append('\n')
                    .append("    open-duration: ").append(breakers.openDuration().toMillis()).append("ms\n")
                    .append("    open-duration-multiplier: ").append(breakers.multiplier()).append('\n')
                    .append("    max-open-duration: ").append(breakers.maxOpenDuration().toMillis()).append("ms\n")
                    .append("    half-open-probes: ").append(breakers.halfOpenProbes()).append("\n\n");
            y.append("retry:\n")
                    .append("  attempts-per-deployment: ").append(retry.attemptsPerDeployment()).append('\n')
                    .append("  initial-backoff: ").append(retry.initialBackoff().toMillis()).append("ms\n")
                    .append("  max-backoff: ").append(retry.maxBackoff().toMillis()).append("ms\n")
                    .append("  request-deadline: ").append(retry.requestDeadline().toMillis()).append("ms\n")
                    .append("  attempt-timeout: ").append(retry.attemptTimeout().toMillis()).append("ms\n")
                    .append("  first-token-timeout: ").append(retry.firstTokenTimeout().toMillis()).append("ms\n");
            return y.toString();
        }

        /** The environment the configuration is read with: the fakes' endpoints and the upstream key. */
        Map<String, String> env() {
            Map<String, String> env = new HashMap<>();
            env.put("CHAOS_UPSTREAM_KEY", UPSTREAM_KEY);
            for (Dep d : deps) {
                env.put("CHAOS_ENDPOINT_" + envName(d.id()), d.fake().baseUrl());
            }
            return env;
        }

        ChaosGateway start() {
            WarmUp.once();
            return startCold();
        }

        /** Starts without the JVM warm-up (the warm-up's own gateway). */
        ChaosGateway startCold() {
            GatewayConfig config = new ConfigLoader(env()::get).parse(yaml(), "chaos scenario");
            Gateway gateway = GatewayWiring.start(config);
            return new ChaosGateway(gateway, deps, breakers, retry);
        }

        private static String envName(String id) {
            return id.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        }
    }

    /** Limits of the team's plan (see {@link Builder#teamLimits}). */
    record TeamLimits(int requestsPerMinute, int maxConcurrentRequests) {}

    static Builder builder() {
        return new Builder();
    }

    private final Gateway gateway;
    private final Map<String, Dep> deps = new LinkedHashMap<>();
    private final Breakers breakers;
    private final Retry retry;
    private final HttpClient admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ChaosGateway(Gateway gateway, List<Dep> deps, Breakers breakers, Retry retry) {
        this.gateway = gateway;
        deps.forEach(d -> this.deps.put(d.id(), d));
        this.breakers = breakers;
        this.retry = retry;
    }

    Gateway gateway() {
        return gateway;
    }

    Breakers breakers() {
        return breakers;
    }

    Retry retry() {
        return retry;
    }

    URI base() {
        return gateway.baseUri();
    }

    FakeDeployment fake(String deploymentId) {
        return Objects.requireNonNull(deps.get(deploymentId), deploymentId).fake();
    }

    List<FakeDeployment> fakes() {
        return deps.values().stream().map(Dep::fake).toList();
    }

    // ---- requests -------------------------------------------------------------------------------

    static final String PROMPT = "{\"model\":\"economy\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something short.\"}]";

    /** A valid chat completion request of the team's account. */
    HttpRequest chat() {
        return chat(false, Map.of());
    }

    HttpRequest chat(boolean stream, Map<String, String> headers) {
        String body = PROMPT + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
        return raw(body, headers);
    }

    /** A valid Responses API request of the team's account, streamed or not. */
    HttpRequest responses(boolean stream) {
        return HttpRequest.newBuilder(base().resolve("/v1/responses"))
                .timeout(retry.requestDeadline().plusSeconds(5))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"economy\",\"max_output_tokens\":16,"
                        + "\"input\":\"Say something short.\"" + (stream ? ",\"stream\":true" : "") + "}"))
                .build();
    }

    /** A valid chat completion request of the account whose key is {@code key}. */
    HttpRequest chatAs(String key) {
        return raw(PROMPT + "}", Map.of("Authorization", "Bearer " + key));
    }

    /** A request with any body (valid or not) and the team's key. */
    HttpRequest raw(String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base().resolve("/v1/chat/completions"))
                .timeout(retry.requestDeadline().plusSeconds(5))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::setHeader);
        return b.build();
    }

    // ---- the operator's view --------------------------------------------------------------------

    /** One row of {@code GET /admin/deployments}. */
    record DeploymentView(String id, String region, String breaker, Optional<Instant> openUntil,
                          Optional<Instant> coolingUntil, int recentCalls, int recentFailures, long transitions) {}

    Map<String, DeploymentView> deployments() {
        JsonNode root = getJson("/admin/deployments", OPS_KEY);
        Map<String, DeploymentView> out = new LinkedHashMap<>();
        for (JsonNode n : root.get("data")) {
            out.put(n.get("id").asText(), new DeploymentView(n.get("id").asText(), n.path("region").asText(),
                    n.get("breaker").asText(), instant(n.get("open_until")), instant(n.get("cooling_until")),
                    n.path("recent_calls").asInt(), n.path("recent_failures").asInt(), n.path("transitions").asLong()));
        }
        return out;
    }

    DeploymentView deployment(String id) {
        return Objects.requireNonNull(deployments().get(id), "no deployment " + id + " in /admin/deployments");
    }

    String breaker(String id) {
        return deployment(id).breaker();
    }

    private static Optional<Instant> instant(JsonNode n) {
        return n == null || n.isNull() || n.asText().isEmpty() ? Optional.empty() : Optional.of(Instant.parse(n.asText()));
    }

    /** The Prometheus scrape at {@code /metrics}. */
    PrometheusScrape metrics() {
        return new PrometheusScrape(get("/metrics", null).body());
    }

    /** Breaker transitions of a deployment counted at {@code /metrics}, by "from->to". */
    Map<String, Long> transitions(String deploymentId) {
        return metrics().breakerTransitions(deploymentId);
    }

    // ---- usage --------------------------------------------------------------------------------

    /** Every usage record of the team's account so far. */
    List<UsageRecord> usageRecords() {
        return gateway.ledger().records(ACCOUNT, Instant.EPOCH, Instant.now().plusSeconds(3600));
    }

    HttpResponse<String> get(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try {
            return admin.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    JsonNode getJson(String path, String key) {
        HttpResponse<String> r = get(path, key);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}

package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.adapters.jdbc.fixtures.EmbeddedPostgresServer;
import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirements 7.2, 7.4 and 7.5 through the real gateway over real sockets, configured with a
 * {@code storage:} section naming a real PostgreSQL 17.5 (the ledger) and a real Redis 6.2.6 (quotas
 * and rate limits), both started from Maven by the adapters' fixtures: the gateway serves and records
 * in PostgreSQL, enforces the quota kept in Redis, and a second gateway on the same stores (another
 * replica, or this one restarted) sees the same month. With Redis stopped, a quota check fails closed:
 * 503 with {@code Retry-After}, no 500, nothing reaches a deployment, readiness says the quota store
 * is down while liveness stays untouched; with Redis back, requests are served again.
 */
@DisplayName("Requirements 7.2, 7.4, 7.5 — a gateway on PostgreSQL and Redis serves, records, enforces quota, fails closed")
class SharedStoresGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"economy\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, router!\"}]}";

    private static EmbeddedRedis redis;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.startNew(); // a server of this class's own: one test stops it
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /** The embedded default's fleet and accounts on the shared stores, the enterprise plan with a token quota. */
    private static GatewayConfig onSharedStores(String jdbcUrl, Path spool, long enterpriseTokens) {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.shared();
        String yaml = GatewayTest.embeddedYaml();
        String plan = "    fall-down: true\n    max-concurrent-requests: 256\n";
        assertThat(yaml).contains(plan);
        yaml = yaml.replace(plan, "    fall-down: true\n    quota: { tokens-per-month: " + enterpriseTokens + " }\n"
                + "    max-concurrent-requests: 256\n") + """

                storage:
                  ledger:
                    url: "%s"
                    user: "%s"
                    password: ${TEST_DB_PASSWORD}
                    pool-size: 4
                  redis:
                    url: "%s"
                    command-timeout: 2s
                  quota:
                    when-unavailable: fail-closed
                    retry-after: 3s
                  rate-limit:
                    when-unavailable: fail-open
                  spool-dir: "%s"
                """.formatted(jdbcUrl, postgres.user(), redis.uri(), spool);
        return new ConfigLoader(Map.of("TEST_DB_PASSWORD", postgres.password())::get).parse(yaml, "shared.yaml");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> chat(Gateway gateway) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)));
    }

    private JsonNode get(Gateway gateway, String path, int status) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.baseUri().resolve(path))
                .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE).GET());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    /** Reads readiness (each read probes Redis) until it says ready; the client reconnects on its own schedule. */
    private void awaitReady(Gateway gateway, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!"ready".equals(get(gateway, "/health/ready", 200).path("status").asText())) {
            assertThat(System.nanoTime() - deadline).as("ready again within " + within).isNegative();
        }
    }

    private static long deploymentCalls(Gateway gateway) {
        return gateway.deploymentStatus().deployments().stream().mapToLong(DeploymentStatus::recentCalls).sum();
    }

    @Test
    void serves_records_in_postgresql_and_enforces_the_quota_kept_in_redis(@TempDir Path spoolA, @TempDir Path spoolB)
            throws Exception {
        String database = EmbeddedPostgresServer.shared().newDatabase();
        redis.flushAll();
        // given a gateway whose enterprise plan allows 120 tokens a month
        try (Gateway a = Gateway.build(onSharedStores(database, spoolA, 120), GatewayTest.testOptions()).start(0)) {
            JsonNode ready = get(a, "/health/ready", 200);
            assertThat(ready.path("status").asText()).isEqualTo("ready");
            assertThat(ready.path("stores").path("ledger").path("kind").asText()).isEqualTo("jdbc");
            assertThat(ready.path("stores").path("quota").path("kind").asText()).isEqualTo("redis");
            assertThat(ready.path("stores").path("quota").path("policy").asText()).isEqualTo("fail-closed");
            assertThat(ready.path("stores").path("rate_limit").path("policy").asText()).isEqualTo("fail-open-local");

            // when chats are sent until the quota refuses one (each reserves its prompt and 16 output tokens)
            int served = 0;
            HttpResponse<String> last;
            while ((last = chat(a)).statusCode() == 200) {
                served++;
                assertThat(served).as("the quota must refuse within its 120 tokens").isLessThan(20);
            }

            // then the refusal is the quota's, the served chats are recorded in PostgreSQL, and within the quota
            assertThat(last.statusCode()).as(last.body()).isEqualTo(429);
            assertThat(JSON.readTree(last.body()).path("error").path("code").asText()).isEqualTo("insufficient_quota");
            assertThat(served).isPositive();
            JsonNode usage = get(a, "/v1/usage", 200);
            assertThat(usage.path("total").path("requests").asLong()).isEqualTo(served);
            assertThat(usage.path("total").path("total_tokens").asLong()).isBetween(1L, 120L);

            // and another replica on the same stores sees the same month: refused too, same report
            try (Gateway b = Gateway.build(onSharedStores(database, spoolB, 120), GatewayTest.testOptions()).start(0)) {
                assertThat(chat(b).statusCode()).isEqualTo(429);
                assertThat(get(b, "/v1/usage", 200).path("total")).isEqualTo(usage.path("total"));
            }

            // and after Redis loses everything, the month is rebuilt from the ledger before anything is admitted
            redis.flushAll();
            assertThat(chat(a).statusCode()).isEqualTo(429);
            assertThat(get(a, "/v1/usage", 200).path("total").path("requests").asLong()).isEqualTo(served);
        }
    }

    @Test
    void with_redis_stopped_quota_requests_fail_closed_with_503_and_retry_after_and_readiness_says_so(
            @TempDir Path spool) throws Exception {
        String database = EmbeddedPostgresServer.shared().newDatabase();
        try (Gateway gateway = Gateway.build(onSharedStores(database, spool, 1_000_000), GatewayTest.testOptions()).start(0)) {
            assertThat(chat(gateway).statusCode()).isEqualTo(200);
            long callsBefore = deploymentCalls(gateway);

            // when Redis stops
            redis.stop();
            try {
                HttpResponse<String> refused = chat(gateway);

                // then the quota check fails closed: 503 with the policy's Retry-After, nothing reached a deployment
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).contains("3");
                JsonNode error = JSON.readTree(refused.body()).path("error");
                assertThat(error.path("code").asText()).isEqualTo("service_unavailable");
                assertThat(error.path("type").asText()).isEqualTo("server_error");
                assertThat(deploymentCalls(gateway)).isEqualTo(callsBefore);
                assertThat(get(gateway, "/v1/usage", 200).path("total").path("requests").asLong()).isEqualTo(1);

                // and readiness names the store that is down, its policy; liveness does not look at stores
                JsonNode ready = get(gateway, "/health/ready", 200);
                assertThat(ready.path("status").asText()).isEqualTo("degraded");
                assertThat(ready.path("stores").path("quota").path("status").asText()).isEqualTo("down");
                assertThat(ready.path("stores").path("quota").path("policy").asText()).isEqualTo("fail-closed");
                assertThat(ready.path("stores").path("ledger").path("status").asText()).isEqualTo("up");
                assertThat(get(gateway, "/health/live", 200).path("status").asText()).isEqualTo("live");

                // and the metrics count the closed decision and show the store unavailable
                String metrics = send(HttpRequest.newBuilder(gateway.baseUri().resolve("/metrics")).GET()).body();
                assertThat(metrics).containsPattern(
                        "llm_router_store_unavailable_total\\{decision=\"fail_closed\",store=\"quota\"} [1-9]")
                        .contains("llm_router_store_available{store=\"quota\"} 0.0");
            } finally {
                redis.start();
            }

            // when Redis is back (empty: the month is rebuilt from the ledger) and the gateway has reconnected
            awaitReady(gateway, Duration.ofSeconds(30));

            // then requests are served again
            HttpResponse<String> again = chat(gateway);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(get(gateway, "/health/ready", 200).path("status").asText()).isEqualTo("ready");
            assertThat(get(gateway, "/v1/usage", 200).path("total").path("requests").asLong()).isEqualTo(2);
        }
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.app.DemoKeys;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 19, Requirements 7.1 and 7.6, Property 25: the jar on the embedded default (no
 * configuration, no server to install) keeps its ledger in a database file under {@code --data-dir};
 * stopped with SIGTERM, and killed with SIGKILL right after answering, it starts again with the same
 * {@code /v1/usage} (requests, tokens, cost, per deployment) and the same month's spend as before,
 * for an account with a quota ({@code demo-free}) and one without ({@code demo-enterprise}).
 */
@DisplayName("Scenario 19 (Requirements 7.1, 7.6, Property 25): the embedded default restarted keeps usage and the month's spend")
class EmbeddedRestartTest {

    @TempDir
    Path dir;
    GatewayProcess gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void sigterm_and_kill_keep_usage_and_the_months_spend() {
        assumeTrue(GatewayProcess.jarBuilt(), "the runnable jar is built by 'package'; run './mvnw verify'");
        gateway = GatewayProcess.start("embedded", null, List.of("--data-dir", dir.resolve("data").toString()), Map.of(), dir);

        LoadReport first = spend("19 embedded before SIGTERM", 24);
        Map<String, JsonNode> before = usage();
        assertThat(before.get(DemoKeys.ENTERPRISE).path("total").path("requests").asLong()).isPositive();
        // 143 = 128 + SIGTERM: the JVM's status once its shutdown hooks (the gateway's drain, the
        // ledger's last commit) have run to their end; one that hung would have hit terminate's bound
        assertThat(gateway.terminate()).as("exit status after SIGTERM").isEqualTo(143);
        gateway.restart();
        assertThat(usage()).as("/v1/usage after SIGTERM and a start").isEqualTo(before);

        LoadReport second = spend("19 embedded before SIGKILL", 24);
        Map<String, JsonNode> beforeKill = usage();
        assertThat(beforeKill).isNotEqualTo(before);
        gateway.kill();
        gateway.restart();
        assertThat(usage()).as("/v1/usage after SIGKILL and a start").isEqualTo(beforeKill);

        long served = first.succeeded() + second.succeeded();
        Scorecard.add(new Scorecard.Row("19 embedded default: SIGTERM, then kill -9, and start again",
                first.requests() + second.requests(), (double) served / (first.requests() + second.requests()),
                "served (simulated fleet)", Math.max(first.p99Millis(), second.p99Millis()), 0, "-",
                beforeKill.get(DemoKeys.ENTERPRISE).path("total").path("requests").asLong() + " + "
                        + beforeKill.get(DemoKeys.FREE).path("total").path("requests").asLong()
                        + " records before = after each restart",
                beforeKill.get(DemoKeys.FREE).path("total").path("cost_usd").asText() + " USD of demo-free's month, kept",
                "/v1/usage identical after SIGTERM and after kill -9"));
    }

    /** Requests of both demo accounts (demo-free stays under its 10 a minute), each a full answer. */
    private LoadReport spend(String scenario, int requests) {
        LoadReport report = new LoadDriver(LoadDriver.newClient()).run(scenario, 4, requests, Duration.ofSeconds(30),
                i -> chat(i % 8 == 0 ? DemoKeys.FREE : DemoKeys.ENTERPRISE));
        assertThat(report.succeeded()).as(report.summary()).isPositive();
        return report;
    }

    private HttpRequest chat(String key) {
        return HttpRequest.newBuilder(gateway.base().resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"economy\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build();
    }

    /** The month's usage of both demo accounts, per deployment, as the gateway answers it. */
    private Map<String, JsonNode> usage() {
        return Map.of(DemoKeys.ENTERPRISE, Replicas.getJson(gateway, "/v1/usage?group_by=deployment&to=2100-01-01", DemoKeys.ENTERPRISE),
                DemoKeys.FREE, Replicas.getJson(gateway, "/v1/usage?group_by=deployment&to=2100-01-01", DemoKeys.FREE));
    }
}

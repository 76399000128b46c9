package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.config.StorageSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirement 7.6 over the socket: the embedded default, given a data directory as the jar is, keeps
 * its usage ledger in an H2 file there. A gateway stopped and a new one started on the same directory
 * answers {@code /v1/usage} exactly as before, and its quota month is rebuilt from that ledger
 * (Requirement 7.4): a quota just above the month's spend refuses a request that a gateway on an
 * empty directory admits.
 */
@DisplayName("Requirements 7.6, 7.4 — the embedded default keeps usage and the month's spend across a restart")
class EmbeddedLedgerRestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"economy\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, router!\"}]}";
    private static final String[] REPORTS = {"/v1/usage", "/v1/usage?group_by=model", "/v1/usage?group_by=deployment"};

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static GatewayConfig embeddedOn(Path dataDir, String yaml) {
        return new ConfigLoader(Map.<String, String>of()::get).withDataDir(dataDir).parse(yaml, "embedded default");
    }

    /** The embedded default with a monthly token quota on the enterprise plan. */
    private static String withEnterpriseTokenQuota(long tokens) {
        String yaml = GatewayTest.embeddedYaml();
        String plan = "    fall-down: true\n    max-concurrent-requests: 256\n";
        assertThat(yaml).contains(plan);
        return yaml.replace(plan, "    fall-down: true\n    quota: { tokens-per-month: " + tokens + " }\n"
                + "    max-concurrent-requests: 256\n");
    }

    private HttpResponse<String> send(Gateway gateway, HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> chat(Gateway gateway) throws IOException, InterruptedException {
        return send(gateway, HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)));
    }

    private JsonNode usage(Gateway gateway, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(gateway, HttpRequest.newBuilder(gateway.baseUri().resolve(path))
                .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE).GET());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        JsonNode report = JSON.readTree(response.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) report).remove("to"); // "now", which moves
        return report;
    }

    @Test
    void usage_and_the_months_spend_are_the_same_after_a_restart(@TempDir Path dataDir, @TempDir Path emptyDir)
            throws Exception {
        // given the embedded default on a data directory, which served five chats
        Map<String, JsonNode> before = new java.util.LinkedHashMap<>();
        try (Gateway first = Gateway.build(embeddedOn(dataDir, GatewayTest.embeddedYaml()), GatewayTest.testOptions()).start(0)) {
            assertThat(first.config().storage().ledger()).isEqualTo(new StorageSettings.LedgerStore.EmbeddedFile(dataDir));
            for (int i = 0; i < 5; i++) {
                assertThat(chat(first).statusCode()).isEqualTo(200);
            }
            for (String report : REPORTS) {
                before.put(report, usage(first, report));
            }
        } // stopped: the ledger is closed, the H2 file released
        assertThat(before.get("/v1/usage").path("total").path("requests").asLong()).isEqualTo(5);
        assertThat(Files.exists(dataDir.resolve("ledger.mv.db"))).isTrue();
        long monthTokens = before.get("/v1/usage").path("total").path("total_tokens").asLong();
        assertThat(monthTokens).isPositive();

        // when a new gateway starts on the same directory, with a quota one token above the month's spend
        String tightQuota = withEnterpriseTokenQuota(monthTokens + 1);
        try (Gateway restarted = Gateway.build(embeddedOn(dataDir, tightQuota), GatewayTest.testOptions()).start(0)) {
            // then every usage report is what it was
            for (String report : REPORTS) {
                assertThat(usage(restarted, report)).as(report).isEqualTo(before.get(report));
            }
            // and the month's spend counts: the next chat would pass the quota, so it is refused before any deployment
            HttpResponse<String> refused = chat(restarted);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asText()).isEqualTo("insufficient_quota");
            assertThat(usage(restarted, "/v1/usage").path("total").path("requests").asLong()).isEqualTo(5);
        }

        // while the same configuration on an empty directory admits that chat: the refusal came from the kept month
        try (Gateway fresh = Gateway.build(embeddedOn(emptyDir, tightQuota), GatewayTest.testOptions()).start(0)) {
            assertThat(chat(fresh).statusCode()).isEqualTo(200);
        }
    }
}

package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.InvalidConfigException;
import dev.llmrouter.app.config.LedgerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.4 through the running gateway: the usage ledger holds at most {@code ledger.max-records}
 * records, and what it dropped is on {@code /metrics}.
 */
@DisplayName("Requirement 9.4 — the gateway's usage ledger is bounded and its drops are a metric")
class BoundedLedgerGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void past_max_records_the_oldest_are_dropped_and_counted_on_the_metrics_page() throws Exception {
        // given a gateway whose ledger keeps 3 records
        try (Gateway gateway = Gateway.build(GatewayTest.embedded().withLedger(new LedgerSettings(3)),
                GatewayTest.testOptions()).start(0)) {
            // when 5 chats are served
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> chat = send(gateway, HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                        .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(GatewayTest.HELLO.replace("{\"messages\"",
                                "{\"model\":\"economy\",\"messages\""))));
                assertThat(chat.statusCode()).isEqualTo(200);
            }

            // then the usage report holds the last 3, and the metrics say 2 were dropped
            JsonNode usage = JSON.readTree(send(gateway, HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/usage?from=2000-01-01"))
                    .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE).GET()).body());
            assertThat(usage.path("total").path("requests").asLong()).isEqualTo(3);
            String metrics = send(gateway, HttpRequest.newBuilder(gateway.baseUri().resolve("/metrics")).GET()).body();
            assertThat(metrics).contains("llm_router_usage_ledger_dropped_total 2.0")
                    .contains("llm_router_usage_ledger_records 3.0");
        }
    }

    @Test
    void the_bound_is_read_from_the_configuration_with_a_default() {
        String yaml = GatewayTest.embeddedYaml();
        ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

        assertThat(loader.parse(yaml.replace("max-records: 100000", "max-records: 42"), "t.yaml").ledger().maxRecords())
                .isEqualTo(42);
        assertThat(loader.parse(yaml.replaceAll("(?m)^ledger:\\n.*\\n", ""), "t.yaml").ledger())
                .isEqualTo(LedgerSettings.DEFAULTS);
        assertThatThrownBy(() -> loader.parse(yaml.replace("max-records: 100000", "max-records: 0"), "t.yaml"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("ledger.max-records");
    }

    private HttpResponse<String> send(Gateway gateway, HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4 (load balancing) and 3.5: started on the embedded default with nothing configured,
 * the standard tier's two primaries in two regions (weights 3 and 1) share its requests, as
 * {@code x-router-deployment} shows over a real socket; {@code /admin/deployments} shows each
 * deployment's weight, the remaining quota it last reported, its requests in flight and its latency.
 */
@DisplayName("Requirement 1.4 — the embedded default balances its standard primaries")
class EmbeddedBalancingTest {

    private static final int REQUESTS = 240;
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void standard_requests_spread_over_both_primaries_by_weight_and_operators_see_the_load() throws Exception {
        // given
        var config = GatewayTest.embedded();
        config = config.withServer(config.server().withPort(0));
        try (Gateway gateway = Gateway.build(config, GatewayTest.testOptions()).start()) {
            Map<String, Integer> served = new HashMap<>();

            // when
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                        .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"standard\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                served.merge(r.headers().firstValue("x-router-deployment").orElseThrow(), 1, Integer::sum);
            }

            // then: shares within five standard deviations of 3/4 and 1/4, nothing else served
            assertThat(served.keySet()).containsOnly("gpt-4-eastus", "gpt-4-eastus2");
            double share = served.get("gpt-4-eastus") / (double) REQUESTS;
            double bound = 5 * Math.sqrt(0.75 * 0.25 / REQUESTS);
            assertThat(Math.abs(share - 0.75)).as("eastus share %.3f", share).isLessThanOrEqualTo(bound);

            HttpResponse<String> admin = client.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/admin/deployments"))
                    .header("Authorization", "Bearer " + DemoKeys.ADMIN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(admin.statusCode()).isEqualTo(200);
            JsonNode eastus = null;
            JsonNode westeurope = null;
            for (JsonNode d : GatewayTest.JSON.readTree(admin.body()).path("data")) {
                if (d.path("id").asText().equals("gpt-4-eastus")) {
                    eastus = d.path("balancing");
                }
                if (d.path("id").asText().equals("gpt-4-westeurope")) {
                    westeurope = d.path("balancing");
                }
            }
            assertThat(eastus.path("weight").asInt()).isEqualTo(3);
            assertThat(eastus.path("in_flight").asInt()).isZero();
            assertThat(eastus.path("remaining_requests").asLong()).isBetween(0L, 599L);
            assertThat(eastus.path("remaining_tokens").asLong()).isBetween(0L, 199_999L);
            assertThat(eastus.path("latency_ms").isNumber()).isTrue();
            assertThat(westeurope.path("weight").asInt()).isEqualTo(1);
            assertThat(westeurope.path("remaining_tokens").isNull()).as("never reported").isTrue();
            assertThat(westeurope.path("latency_ms").isNull()).as("never called").isTrue();
        }
    }
}

package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.app.config.ConfigLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.1 (what a refusal says, through the real gateway and router over a socket): a quota
 * 429 speaks in exact US dollars with the unit, and a 429 of the per-minute token limit is of type
 * {@code tokens}, not {@code requests}.
 */
@DisplayName("Requirement 9.1 — rate-limit and quota refusals say what ran out, in its unit")
class RateAndQuotaRefusalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Eight choices of the economy model's whole output cap (4,096): 32,768 tokens of a 40,000 a minute. */
    private static final String BIG = "{\"model\":\"economy\",\"n\":8,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void the_second_big_request_in_a_minute_is_refused_by_the_token_limit_and_says_so() throws Exception {
        try (Gateway gateway = start(GatewayTest.embeddedYaml())) {
            assertThat(chat(gateway, BIG).statusCode()).isEqualTo(200);

            HttpResponse<String> refused = chat(gateway, BIG);

            assertThat(refused.statusCode()).isEqualTo(429);
            JsonNode error = JSON.readTree(refused.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("tokens");
            assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("9");
        }
    }

    @Test
    void the_request_count_limit_still_says_requests() throws Exception {
        String small = "{\"model\":\"economy\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (Gateway gateway = start(GatewayTest.embeddedYaml())) {
            for (int i = 0; i < 10; i++) {
                assertThat(chat(gateway, small).statusCode()).isEqualTo(200);
            }

            HttpResponse<String> refused = chat(gateway, small);

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(JSON.readTree(refused.body()).at("/error/type").asText()).isEqualTo("requests");
        }
    }

    @Test
    void a_quota_refusal_speaks_in_exact_us_dollars() throws Exception {
        // given a free plan with a millionth of a dollar a month
        String yaml = GatewayTest.embeddedYaml().replace("cost-per-month: \"1.00\"", "cost-per-month: \"0.000001\"");
        try (Gateway gateway = start(yaml)) {
            HttpResponse<String> refused = chat(gateway, BIG);

            assertThat(refused.statusCode()).isEqualTo(429);
            JsonNode error = JSON.readTree(refused.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("insufficient_quota");
            assertThat(error.path("message").asText())
                    .containsPattern("\\(0\\.\\d+ USD requested, 0\\.000001 USD left\\)");
        }
    }

    private static Gateway start(String yaml) {
        return Gateway.build(new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "test.yaml"),
                GatewayTest.testOptions()).start(0);
    }

    private HttpResponse<String> chat(Gateway gateway, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + DemoKeys.FREE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

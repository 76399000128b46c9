package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.BROKE_KEY;
import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.Fakes.FREE_KEY;
import static dev.llmrouter.app.http.Fakes.LIMITED_KEY;
import static dev.llmrouter.app.http.Fakes.NARROW_KEY;
import static dev.llmrouter.app.http.Fakes.OPERATOR_KEY;
import static dev.llmrouter.app.http.Fakes.PRO_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.stream;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.streamCut;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry;
import dev.llmrouter.domain.breaker.BreakerConfig;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.ports.usage.UsageReporter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 1.4, 1.6, 3.3, 3.4, 4.2, 5.3–5.5 end to end: the real {@link Router} — breakers, rate
 * limiter, quota store, ledger, Micrometer telemetry — over scripted deployments, behind the real gateway
 * on a socket. Fallback shows in the headers, an opened breaker in {@code /admin/deployments} and
 * {@code /metrics}, usage in {@code /v1/usage}; limits and quota are answered with 429 and
 * {@code Retry-After}; exhaustion with 502/503; streams are forwarded frame by frame. Time is a fake
 * clock.
 */
@DisplayName("Requirements 1.4/1.6/3.3/3.4/5.3-5.5: the real router behind the gateway")
class RealRouterGatewayTest {

    static final String CHAT = "{\"model\":\"premium\",\"user\":\"alice\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    final FakeClock clock = new FakeClock(TestGateway.NOW);
    final ScriptedChatEndpoint endpoint = new ScriptedChatEndpoint(clock);
    final InMemoryUsageLedger ledger = new InMemoryUsageLedger();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Fleet fleet = Fixtures.exampleFleet();
    TestGateway gateway;

    @BeforeEach
    void start() {
        Router router = Router.builder().fleet(fleet).endpoint(endpoint).clock(clock).ticker(clock.ticker())
                .retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0))
                .breakerConfig(BreakerConfig.defaults().withMinimumCalls(2))
                .rateLimiter(new InMemoryAccountRateLimiter(clock::nanos, Duration.ofHours(1),
                        InMemoryAccountRateLimiter.DEFAULT_GRANULARITY))
                .quotaStore(new InMemoryQuotaStore(clock, Duration.ofHours(1), QuotaSeed.NONE))
                .ledger(ledger)
                .telemetry(new MicrometerRouterTelemetry(registry))
                .build();
        gateway = TestGateway.with(router, new UsageReporter(ledger), router, fleet, registry, 1 << 20, clock);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    HttpResponse<String> chat(String key, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = bearer(key);
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gateway.post("/v1/chat/completions", CHAT, all);
    }

    static JsonNode json(HttpResponse<String> response) {
        return ChatCompletionsApiTest.json(response.body());
    }

    @Test
    void fallback_shows_in_the_headers_and_usage_in_the_usage_route() {
        endpoint.script("gpt-4-turbo-eastus", fail(FailureKind.SERVER_ERROR));
        endpoint.script("gpt-4-turbo-westeurope", ok(120, 30));

        HttpResponse<String> response = chat(ENTERPRISE_KEY, "x-router-operation", "greet");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-router-tier")).hasValue("premium");
        assertThat(response.headers().firstValue("x-router-model")).hasValue("gpt-4-turbo");
        assertThat(response.headers().firstValue("x-router-deployment")).hasValue("gpt-4-turbo-westeurope");
        assertThat(response.headers().firstValue("x-router-region")).hasValue("westeurope");
        assertThat(response.headers().firstValue("x-router-attempts")).hasValue("2");
        assertThat(response.headers().firstValue("x-router-cost-usd")).hasValueSatisfying(v -> assertThat(v).isNotEqualTo("0"));
        assertThat(endpoint.calledDeployments()).containsExactly("gpt-4-turbo-eastus", "gpt-4-turbo-westeurope");

        JsonNode byOperation = json(gateway.get("/v1/usage?from=2026-11-01&to=2026-11-30&group_by=operation",
                "Authorization", bearer(ENTERPRISE_KEY)));
        assertThat(byOperation.at("/data/0/key").asText()).isEqualTo("greet");
        assertThat(byOperation.at("/total/input_tokens").asLong()).isEqualTo(120);
        assertThat(byOperation.at("/total/output_tokens").asLong()).isEqualTo(30);
        assertThat(byOperation.at("/total/cost_usd").asText()).isEqualTo(response.headers().firstValue("x-router-cost-usd").get());
        JsonNode byCreator = json(gateway.get("/v1/usage?from=2026-11-01&to=2026-11-30&group_by=creator",
                "Authorization", bearer(ENTERPRISE_KEY)));
        assertThat(byCreator.at("/data/0/key").asText()).isEqualTo("alice");
        // another account sees none of it
        assertThat(json(gateway.get("/v1/usage?from=2026-11-01&to=2026-11-30", "Authorization", bearer(PRO_KEY)))
                .at("/total/requests").asLong()).isZero();
    }

    @Test
    void an_opened_breaker_shows_in_admin_metrics_and_the_next_route() {
        endpoint.script("gpt-4-turbo-eastus", fail(FailureKind.SERVER_ERROR));
        endpoint.script("gpt-4-turbo-westeurope", ok(10, 5));

        // two failures fill the window's minimum at 100 % failures: the breaker opens
        chat(ENTERPRISE_KEY);
        chat(ENTERPRISE_KEY);
        HttpResponse<String> third = chat(ENTERPRISE_KEY);

        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(third.headers().firstValue("x-router-deployment")).hasValue("gpt-4-turbo-westeurope");
        assertThat(third.headers().firstValue("x-router-attempts")).hasValue("1");
        assertThat(endpoint.callsTo("gpt-4-turbo-eastus")).isEqualTo(2);

        JsonNode admin = json(gateway.get("/admin/deployments", "Authorization", bearer(OPERATOR_KEY)));
        JsonNode eastus = null;
        for (JsonNode d : admin.get("data")) {
            if (d.get("id").asText().equals("gpt-4-turbo-eastus")) {
                eastus = d;
            }
        }
        assertThat(eastus).isNotNull();
        assertThat(eastus.get("breaker").asText()).isEqualTo("open");
        assertThat(eastus.get("open_until").asText()).isEqualTo(TestGateway.NOW.plus(BreakerConfig.DEFAULT_OPEN_DURATION).toString());
        assertThat(eastus.get("transitions").asLong()).isEqualTo(1);
        assertThat(admin.get("data")).hasSize(fleet.deployments().size());

        String metrics = gateway.get("/metrics").body();
        assertThat(metrics).containsPattern("llm_router_breaker_state\\{[^}]*deployment=\"gpt-4-turbo-eastus\"[^}]*} 2\\.0");
        assertThat(metrics).containsPattern("llm_router_breaker_transitions_total\\{[^}]*deployment=\"gpt-4-turbo-eastus\"[^}]*to=\"open\"[^}]*} 1\\.0");
        assertThat(json(gateway.get("/health/ready")).get("open_breakers").asInt()).isEqualTo(1);
    }

    @Test
    void an_exhausted_chain_is_502_and_an_open_fleet_503_with_retry_after() {
        endpoint.defaultStep(fail(FailureKind.SERVER_ERROR));

        HttpResponse<String> failed = chat(ENTERPRISE_KEY, "x-router-fall-down", "false");
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(json(failed).at("/error/code").asText()).isEqualTo("deployments_failed");

        // a second failing round opens all three premium breakers: nothing is called, 503 until they reopen
        chat(ENTERPRISE_KEY, "x-router-fall-down", "false");
        HttpResponse<String> open = chat(ENTERPRISE_KEY, "x-router-fall-down", "false");

        assertThat(open.statusCode()).isEqualTo(503);
        assertThat(open.headers().firstValue("retry-after")).hasValue(Long.toString(BreakerConfig.DEFAULT_OPEN_DURATION.toSeconds()));
        assertThat(json(open).at("/error/message").asText()).contains("breaker open");
    }

    @Test
    void a_throttled_fleet_is_503_with_the_deployments_retry_after() {
        endpoint.defaultStep(throttled(Duration.ofMillis(7_500)));

        HttpResponse<String> response = chat(ENTERPRISE_KEY, "x-router-fall-down", "false");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).hasValue("8");
    }

    @Test
    void rate_limits_answer_429_with_retry_after_and_headers() {
        HttpResponse<String> first = chat(LIMITED_KEY);
        HttpResponse<String> second = chat(LIMITED_KEY);
        HttpResponse<String> third = chat(LIMITED_KEY);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(json(third).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        long retryAfter = Long.parseLong(third.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(59L, 60L);

        // after the announced wait the account is served again
        clock.advance(Duration.ofSeconds(retryAfter));
        assertThat(chat(LIMITED_KEY).statusCode()).isEqualTo(200);
        assertThat(endpoint.calls()).hasSize(3);
    }

    @Test
    void a_quota_that_cannot_hold_the_request_is_429_insufficient_quota_before_any_call() {
        HttpResponse<String> response = chat(BROKE_KEY);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(json(response).at("/error/type").asText()).isEqualTo("insufficient_quota");
        assertThat(endpoint.calls()).isEmpty();
    }

    @Test
    void streams_are_forwarded_and_a_cut_ends_in_an_error_event() {
        endpoint.script("gpt-4-turbo-eastus", stream(3, 20));
        String body = "{\"model\":\"premium\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        HttpResponse<String> ok = gateway.post("/v1/chat/completions", body, "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(ok.headers().firstValue("x-router-deployment")).hasValue("gpt-4-turbo-eastus");
        assertThat(ok.body()).startsWith("data: {").endsWith("\n\ndata: [DONE]\n\n").contains("\"usage\"");

        endpoint.script("gpt-4-turbo-eastus", streamCut(2, 20, FailureKind.CONNECTION_RESET));
        HttpResponse<String> cut = gateway.post("/v1/chat/completions", body, "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(cut.statusCode()).isEqualTo(200);
        assertThat(cut.body()).contains("data: {\"error\":").doesNotContain("[DONE]");
        // the tokens sent before the cut are metered
        assertThat(json(gateway.get("/v1/usage?from=2026-11-01&to=2026-11-30", "Authorization", bearer(ENTERPRISE_KEY)))
                .at("/total/requests").asLong()).isEqualTo(2);
    }

    @Test
    void a_text_completion_is_served_by_the_model_with_the_text_completion_capability() {
        String completion = "{\"model\":\"%s\",\"prompt\":\"Hello\",\"max_tokens\":5}";

        HttpResponse<String> economy = gateway.post("/v1/completions", completion.formatted("economy"),
                "Authorization", bearer(FREE_KEY));
        HttpResponse<String> premium = gateway.post("/v1/completions", completion.formatted("premium"),
                "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(economy.statusCode()).isEqualTo(200);
        assertThat(economy.headers().firstValue("x-router-model")).hasValue("gpt-35-turbo-instruct");
        // no premium model serves text completions: the enterprise plan falls down to the one that does
        assertThat(premium.statusCode()).isEqualTo(200);
        assertThat(premium.headers().firstValue("x-router-model")).hasValue("gpt-35-turbo-instruct");
        assertThat(endpoint.calledDeployments()).allMatch(d -> d.startsWith("gpt-35-turbo-instruct-"));
    }

    @Test
    void an_operation_no_model_in_reach_serves_is_a_400_in_openai_shape_before_any_call() {
        HttpResponse<String> chatToInstruct = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-35-turbo-instruct\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", bearer(FREE_KEY));
        HttpResponse<String> textWithoutFallDown = gateway.post("/v1/completions",
                "{\"model\":\"premium\",\"prompt\":\"Hello\"}",
                "Authorization", bearer(ENTERPRISE_KEY), "x-router-fall-down", "false");

        assertThat(chatToInstruct.statusCode()).isEqualTo(400);
        assertThat(json(chatToInstruct).at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(chatToInstruct).at("/error/code").asText()).isEqualTo("no_eligible_deployment");
        assertThat(json(chatToInstruct).at("/error/message").asText()).contains("chat model");
        assertThat(textWithoutFallDown.statusCode()).isEqualTo(400);
        assertThat(json(textWithoutFallDown).at("/error/message").asText())
                .contains("text-completion capability").contains("gpt-35-turbo-instruct");
        assertThat(endpoint.calls()).isEmpty();
    }

    /** Requirement 9.2 with issue 12's edge: a request no wait could admit is a 400, never a 429 to retry. */
    @Test
    void a_request_larger_than_the_tokens_per_minute_is_a_400_without_retry_after() {
        String tooLarge = "{\"model\":\"premium\",\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        HttpResponse<String> response = gateway.post("/v1/chat/completions", tooLarge, "Authorization", bearer(NARROW_KEY));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("request_too_large_for_rate_limit");
        assertThat(error.get("param").asText()).isEqualTo("max_tokens");
        assertThat(error.get("message").asText()).contains("1000 per minute").contains("can never be admitted");
        assertThat(response.headers().firstValue("retry-after")).isEmpty();
        assertThat(endpoint.calls()).isEmpty();

        // and one that fits the minute is served
        endpoint.script("gpt-4-turbo-eastus", ok(10, 5));
        String fits = tooLarge.replace("2000", "500");
        assertThat(gateway.post("/v1/chat/completions", fits, "Authorization", bearer(NARROW_KEY)).statusCode())
                .isEqualTo(200);
    }
}

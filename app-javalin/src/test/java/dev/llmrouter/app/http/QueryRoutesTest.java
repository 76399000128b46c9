package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.Fakes.FREE_KEY;
import static dev.llmrouter.app.http.Fakes.OPERATOR_KEY;
import static dev.llmrouter.app.http.Fakes.PRO_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.ports.usage.UsageQueryUseCase.GroupBy;
import dev.llmrouter.ports.usage.UsageReporter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 3.4: the model list per plan, usage scoped to the caller's account (Requirement 5.3),
 * deployment state for operators only, liveness and readiness, and Prometheus metrics.
 */
@DisplayName("Requirement 3.4: models, usage, admin, health and metrics routes")
class QueryRoutesTest {

    static JsonNode json(HttpResponse<String> response) {
        return ChatCompletionsApiTest.json(response.body());
    }

    static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    @Test
    void models_are_what_the_plan_may_name() {
        try (TestGateway gateway = TestGateway.withFakes(new FakeRouter(), new Fakes.Usage(), 1 << 20)) {
            JsonNode pro = json(gateway.get("/v1/models", "Authorization", bearer(PRO_KEY)));

            assertThat(pro.get("object").asText()).isEqualTo("list");
            assertThat(ids(pro)).startsWith("standard", "economy")
                    .contains("gpt-4", "gpt-4.1-mini", "gpt-35-turbo", "gpt-4o-mini")
                    .doesNotContain("premium", "gpt-4o", "gpt-4-turbo");
            JsonNode standard = pro.get("data").get(0);
            assertThat(standard.get("object").asText()).isEqualTo("model");
            assertThat(standard.get("owned_by").asText()).isEqualTo("llm-router");
            assertThat(standard.get("model").asText()).isEqualTo("gpt-4");
            assertThat(ids(json(gateway.get("/v1/models", "api-key", ENTERPRISE_KEY)))).contains("premium", "gpt-4o");
            assertThat(gateway.get("/v1/models/gpt-4", "Authorization", bearer(PRO_KEY)).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/v1/models/gpt-4", "Authorization", bearer(FREE_KEY)).statusCode()).isEqualTo(404);
            assertThat(gateway.get("/v1/models").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void usage_is_the_callers_own_from_the_real_reporter() {
        // given records of two accounts
        InMemoryUsageLedger ledger = new InMemoryUsageLedger();
        Instant day = Instant.parse("2026-11-10T12:00:00Z");
        ledger.append(aUsageRecord().account("acct-pro").at(day).model("gpt-4").tier(Tier.STANDARD).creator("alice")
                .tokens(100, 20).cost(Money.ofUsd("0.0042")).build());
        ledger.append(aUsageRecord().account("acct-pro").at(day.plusSeconds(60)).model("gpt-4").tier(Tier.STANDARD).creator("bob")
                .tokens(50, 10).cost(Money.ofUsd("0.000000001")).build());
        ledger.append(aUsageRecord().account("acct-pro").at(day).model("gpt-35-turbo").tier(Tier.ECONOMY).creator("alice")
                .tokens(10, 5).cost(Money.ofUsd("0.0001")).build());
        ledger.append(aUsageRecord().account("acct-free").at(day).model("gpt-35-turbo").tier(Tier.ECONOMY).creator("eve")
                .tokens(999, 999).cost(Money.ofUsd("1")).build());
        try (TestGateway gateway = TestGateway.with(new FakeRouter(), new UsageReporter(ledger), Fakes.deployments(),
                Outcomes.FLEET, 1 << 20, InstantSource.fixed(TestGateway.NOW))) {

            // when
            JsonNode byModel = json(gateway.get("/v1/usage?from=2026-11-01&to=2026-11-30&group_by=model",
                    "Authorization", bearer(PRO_KEY)));
            JsonNode byCreator = json(gateway.get("/v1/usage?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00%2B00:00"
                    + "&group_by=creator&account=acct-pro", "Authorization", bearer(PRO_KEY)));

            // then only acct-pro's records, exact costs as strings
            assertThat(byModel.get("account").asText()).isEqualTo("acct-pro");
            assertThat(byModel.get("from").asText()).isEqualTo("2026-11-01T00:00:00Z");
            assertThat(byModel.get("to").asText()).isEqualTo("2026-12-01T00:00:00Z");
            assertThat(byModel.at("/data/0/key").asText()).isEqualTo("gpt-4");
            assertThat(byModel.at("/data/0/requests").asLong()).isEqualTo(2);
            assertThat(byModel.at("/data/0/cost_usd").asText()).isEqualTo("0.004200001");
            assertThat(byModel.at("/data/0/input_tokens").asLong()).isEqualTo(150);
            assertThat(byModel.at("/total/requests").asLong()).isEqualTo(3);
            assertThat(byModel.at("/total/cost_usd").asText()).isEqualTo("0.004300001");
            assertThat(byModel.at("/total/total_tokens").asLong()).isEqualTo(195);
            assertThat(byCreator.get("group_by").asText()).isEqualTo("creator");
            assertThat(ids(keyed(byCreator))).containsExactly("alice", "bob");
        }
    }

    static JsonNode keyed(JsonNode report) {
        var copy = report.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).set("data", report.get("data").deepCopy());
        copy.get("data").forEach(n -> ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("id", n.get("key").asText()));
        return copy;
    }

    @Test
    void usage_defaults_to_the_current_month_grouped_by_model() {
        Fakes.Usage usage = new Fakes.Usage();
        try (TestGateway gateway = TestGateway.withFakes(new FakeRouter(), usage, 1 << 20)) {
            assertThat(gateway.get("/v1/usage", "api-key", PRO_KEY).statusCode()).isEqualTo(200);

            assertThat(usage.queries).containsExactly(new Fakes.Usage.Query("acct-pro",
                    Instant.parse("2026-11-01T00:00:00Z"), TestGateway.NOW, GroupBy.MODEL));
        }
    }

    @Test
    void admin_deployments_for_operators_only() {
        try (TestGateway gateway = TestGateway.withFakes(new FakeRouter(), new Fakes.Usage(), 1 << 20)) {
            HttpResponse<String> response = gateway.get("/admin/deployments", "Authorization", bearer(OPERATOR_KEY));

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode open = null;
            for (JsonNode d : json(response).get("data")) {
                if (d.get("id").asText().equals("gpt-4o-eastus")) {
                    open = d;
                }
            }
            assertThat(open).isNotNull();
            assertThat(open.get("breaker").asText()).isEqualTo("open");
            assertThat(open.get("open_until").asText()).isEqualTo("2026-11-26T10:00:30Z");
            assertThat(open.get("region").asText()).isEqualTo("eastus");
            assertThat(open.get("recent_failures").asInt()).isEqualTo(6);
            assertThat(gateway.get("/admin/deployments", "Authorization", bearer(ENTERPRISE_KEY)).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void health_and_metrics_need_no_key() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("llmrouter.test.requests").register(registry).increment(3);
        try (TestGateway gateway = TestGateway.with(new FakeRouter(), new Fakes.Usage(), Fakes.deployments(),
                Outcomes.FLEET, registry, 1 << 20, InstantSource.fixed(TestGateway.NOW))) {
            HttpResponse<String> live = gateway.get("/health/live");
            HttpResponse<String> ready = gateway.get("/health/ready");
            HttpResponse<String> metrics = gateway.get("/metrics");

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(json(live).get("status").asText()).isEqualTo("live");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(json(ready).get("open_breakers").asInt()).isEqualTo(1);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(metrics.body()).contains("llmrouter_test_requests_total 3.0");
            assertThat(live.headers().firstValue("x-request-id")).isPresent();
        }
    }

    @Test
    void not_ready_when_the_status_query_fails() {
        try (TestGateway gateway = TestGateway.with(new FakeRouter(), new Fakes.Usage(), () -> {
            throw new IllegalStateException("breakers unavailable");
        }, Outcomes.FLEET, 1 << 20, InstantSource.fixed(TestGateway.NOW))) {
            HttpResponse<String> ready = gateway.get("/health/ready");

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).doesNotContain("breakers unavailable");
        }
    }
}

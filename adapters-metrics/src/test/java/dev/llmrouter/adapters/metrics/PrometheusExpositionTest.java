package dev.llmrouter.adapters.metrics;

import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetryTest.attempt;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Refusal;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 3.4 ({@code /metrics}) with 4.1 and 4.2: what a Prometheus scrape of the telemetry looks
 * like, including the GenAI histograms' buckets and a success and a failure of the same model side by
 * side (their tag sets differ, as the conventions say).
 */
@DisplayName("Requirements 3.4, 4.1, 4.2 — Prometheus exposition")
class PrometheusExpositionTest {

    @Test
    void a_scrape_shows_genai_histograms_router_counters_and_breaker_gauges() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerRouterTelemetry telemetry = new MicrometerRouterTelemetry(registry);

        telemetry.trackDeployments(List.of("gpt-4o-eastus", "gpt-4o-westeurope"));
        telemetry.attempt("gpt-4o", attempt("gpt-4o-eastus", Attempt.Outcome.FAILED,
                Failure.of(FailureKind.THROTTLED, 429, "429", "slow down"), 80));
        telemetry.attempt("gpt-4o", attempt("gpt-4o-westeurope", Attempt.Outcome.SUCCESS, null, 450));
        telemetry.requestCompleted(aUsageRecord().model("gpt-4o").deployment("gpt-4o-westeurope")
                .tokens(1_000, 50).cost(Money.ofUsd("0.003")).build(), 1);
        telemetry.refused(Refusal.Reason.RATE_LIMITED);
        telemetry.breakerTransition("gpt-4o-eastus", "closed", "open", Instant.EPOCH, "failure rate");

        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("gen_ai_client_operation_duration_seconds_bucket{error_type=\"throttled\"")
                .contains("gen_ai_response_model=\"gpt-4o\"")
                .containsPattern("gen_ai_client_operation_duration_seconds_bucket\\{[^}]*le=\"0\\.64\"[^}]*} 1")
                .containsPattern("gen_ai_client_token_usage_bucket\\{[^}]*gen_ai_token_type=\"input\"[^}]*le=\"1024\\.0\"[^}]*} 1")
                .containsPattern("llm_router_cost_usd_total\\{[^}]*} 0\\.003")
                .containsPattern("llm_router_requests_total\\{outcome=\"success\",tier=\"standard\"} 1")
                .containsPattern("llm_router_fallbacks_total\\{tier=\"standard\"} 1")
                .containsPattern("llm_router_refusals_total\\{reason=\"rate_limited\"} 1")
                .containsPattern("llm_router_breaker_state\\{deployment=\"gpt-4o-eastus\"} 2")
                .containsPattern("llm_router_breaker_state\\{deployment=\"gpt-4o-westeurope\"} 0")
                .containsPattern("llm_router_breaker_transitions_total\\{deployment=\"gpt-4o-eastus\",from=\"closed\",to=\"open\"} 1");
        assertThat(telemetry.failures()).isZero();
    }
}

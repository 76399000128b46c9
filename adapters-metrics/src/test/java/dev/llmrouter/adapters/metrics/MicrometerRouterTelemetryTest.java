package dev.llmrouter.adapters.metrics;

import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.ATTEMPTS;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.BREAKER_STATE;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.BREAKER_TRANSITIONS;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.COST;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.FALLBACKS;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.OPERATION_DURATION;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.REFUSALS;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.REQUESTS;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.REQUEST_DURATION;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.TIME_TO_FIRST_TOKEN;
import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry.TOKEN_USAGE;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Refusal;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 4.1 and 4.2: per-request latency, tokens, cost, tier, deployment, outcome and
 * fallbacks, and breaker state and transitions per deployment, as Micrometer meters named after the
 * OpenTelemetry GenAI conventions where they apply.
 */
@DisplayName("Requirements 4.1, 4.2 — Micrometer telemetry")
class MicrometerRouterTelemetryTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerRouterTelemetry telemetry = new MicrometerRouterTelemetry(registry);

    @Test
    void a_successful_attempt_is_a_genai_operation_with_its_response_model() {
        telemetry.attempt("gpt-4o", attempt("gpt-4o-eastus", Attempt.Outcome.SUCCESS, null, 300));

        Timer timer = registry.get(OPERATION_DURATION)
                .tags("gen_ai.system", "az.ai.openai", "gen_ai.operation.name", "chat",
                        "gen_ai.request.model", "gpt-4o", "gen_ai.response.model", "gpt-4o")
                .timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300.0);
        assertThat(timer.getId().getTag("error.type")).isNull();
        assertThat(registry.get(ATTEMPTS)
                .tags("deployment", "gpt-4o-eastus", "region", "eastus", "outcome", "success").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void an_embeddings_attempt_is_the_genai_embeddings_operation() {
        telemetry.attempt("text-embedding-3-small", ChatOperation.EMBEDDINGS,
                attempt("text-embedding-3-small-eastus", Attempt.Outcome.SUCCESS, null, 40));

        Timer timer = registry.get(OPERATION_DURATION)
                .tags("gen_ai.operation.name", "embeddings", "gen_ai.request.model", "text-embedding-3-small").timer();
        assertThat(timer.count()).isEqualTo(1);
    }

    @Test
    void a_failed_attempt_carries_its_error_type_and_no_response_model() {
        Failure failure = Failure.of(FailureKind.SERVER_ERROR, 503, "", "busy");

        telemetry.attempt("gpt-4o", ChatOperation.TEXT_COMPLETION,
                attempt("gpt-4o-eastus", Attempt.Outcome.FAILED, failure, 120));

        Timer timer = registry.get(OPERATION_DURATION)
                .tags("gen_ai.operation.name", "text_completion", "error.type", "server_error").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.getId().getTag("gen_ai.response.model")).isNull();
        assertThat(registry.get(ATTEMPTS)
                .tags("deployment", "gpt-4o-eastus", "outcome", "failed", "error.type", "server_error")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void a_skipped_deployment_counts_as_an_attempt_outcome_but_is_no_model_call() {
        telemetry.attempt("gpt-4o", attempt("gpt-4o-westeurope", Attempt.Outcome.SKIPPED_BREAKER_OPEN, null, 0));

        assertThat(registry.get(ATTEMPTS).tags("outcome", "skipped_breaker_open").counter().count()).isEqualTo(1.0);
        assertThat(registry.find(OPERATION_DURATION).timers()).isEmpty();
    }

    @Test
    void a_completed_request_reports_tokens_cost_latency_outcome_and_fallbacks() {
        // given a standard-tier request served after two fallbacks
        var record = aUsageRecord().tier(Tier.STANDARD).model("gpt-4o").deployment("gpt-4o-swedencentral")
                .tokens(1_200, 300).cost(Money.ofUsd("0.0125")).latency(Duration.ofMillis(900))
                .timeToFirstToken(Duration.ofMillis(150)).outcome(UsageOutcome.SUCCESS).build();

        // when
        telemetry.requestCompleted(record, 2);

        // then
        assertThat(registry.get(REQUESTS).tags("tier", "standard", "outcome", "success").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get(REQUEST_DURATION).tags("tier", "standard", "outcome", "success").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(900.0);
        assertThat(registry.get(TIME_TO_FIRST_TOKEN).tags("tier", "standard").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(150.0);
        assertThat(registry.get(TOKEN_USAGE).tags("gen_ai.token.type", "input", "gen_ai.request.model", "gpt-4o",
                "gen_ai.response.model", "gpt-4o", "gen_ai.system", "az.ai.openai").summary().totalAmount())
                .isEqualTo(1_200.0);
        assertThat(registry.get(TOKEN_USAGE).tags("gen_ai.token.type", "output").summary().totalAmount())
                .isEqualTo(300.0);
        assertThat(registry.get(COST).tags("tier", "standard", "model", "gpt-4o", "deployment", "gpt-4o-swedencentral")
                .counter().count()).isEqualTo(0.0125);
        assertThat(registry.get(FALLBACKS).tags("tier", "standard").counter().count()).isEqualTo(2.0);
    }

    @Test
    void cost_accumulates_from_exact_money() {
        // 1000 requests at $0.000000123 each: exactly $0.000123
        var record = aUsageRecord().cost(Money.ofNanos(123)).build();
        for (int i = 0; i < 1_000; i++) {
            telemetry.requestCompleted(record, 0);
        }

        assertThat(registry.get(COST).counter().count()).isCloseTo(0.000123, within(1e-15));
        assertThat(registry.get(FALLBACKS).counter().count()).isZero();
    }

    @Test
    void accounts_and_creators_are_never_tags() {
        telemetry.requestCompleted(aUsageRecord().account("acme-corp").creator("alice@acme").build(), 0);
        telemetry.attempt("gpt-4o", attempt("gpt-4o-eastus", Attempt.Outcome.SUCCESS, null, 10));

        List<Tag> allTags = registry.getMeters().stream().flatMap(m -> m.getId().getTags().stream()).toList();
        assertThat(allTags).extracting(Tag::getValue).doesNotContain("acme-corp", "alice@acme");
        assertThat(allTags).extracting(Tag::getKey).doesNotContain("account", "creator", "user");
    }

    @Test
    void refusals_are_counted_by_reason() {
        telemetry.refused(Refusal.Reason.RATE_LIMITED);
        telemetry.refused(Refusal.Reason.RATE_LIMITED);
        telemetry.refused(Refusal.Reason.QUOTA_EXCEEDED);

        assertThat(registry.get(REFUSALS).tags("reason", "rate_limited").counter().count()).isEqualTo(2.0);
        assertThat(registry.get(REFUSALS).tags("reason", "quota_exceeded").counter().count()).isEqualTo(1.0);
    }

    @Test
    void the_breaker_gauge_follows_transitions_and_is_registered_once_per_deployment() {
        telemetry.trackDeployments(List.of("d1", "d2"));
        assertThat(state("d1")).isEqualTo(0.0);
        assertThat(state("d2")).isEqualTo(0.0);

        telemetry.breakerTransition("d1", "closed", "open", NOW, "failure rate 60% >= 50%");
        assertThat(state("d1")).isEqualTo(2.0);
        telemetry.breakerTransition("d1", "open", "half_open", NOW.plusSeconds(30), "open duration elapsed");
        assertThat(state("d1")).isEqualTo(1.0);
        telemetry.breakerTransition("d1", "HALF-OPEN", "CLOSED", NOW.plusSeconds(31), "probes succeeded");
        assertThat(state("d1")).isEqualTo(0.0);
        telemetry.breakerTransition("d3", "closed", "open", NOW, "first seen");

        assertThat(registry.find(BREAKER_STATE).tag("deployment", "d1").gauges()).hasSize(1);
        assertThat(registry.find(BREAKER_STATE).gauges()).hasSize(3);
        assertThat(state("d2")).isEqualTo(0.0);
        assertThat(state("d3")).isEqualTo(2.0);
        assertThat(registry.get(BREAKER_TRANSITIONS).tags("deployment", "d1", "from", "closed", "to", "open")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(BREAKER_TRANSITIONS).tags("deployment", "d1", "from", "half_open", "to", "closed")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.find(BREAKER_TRANSITIONS).counters()).hasSize(4);
    }

    @Test
    void meters_are_reused_across_calls() {
        for (int i = 0; i < 10; i++) {
            telemetry.attempt("gpt-4o", attempt("gpt-4o-eastus", Attempt.Outcome.SUCCESS, null, 10));
        }

        List<Meter> attempts = registry.find(ATTEMPTS).meters().stream().toList();
        assertThat(attempts).hasSize(1);
        assertThat(registry.get(OPERATION_DURATION).timer().count()).isEqualTo(10);
    }

    private double state(String deployment) {
        return registry.get(BREAKER_STATE).tag("deployment", deployment).gauge().value();
    }

    static Attempt attempt(String deployment, Attempt.Outcome outcome, Failure failure, long millis) {
        return new Attempt(DeploymentId.of(deployment), deployment.substring(deployment.lastIndexOf('-') + 1),
                outcome, Optional.ofNullable(failure), Duration.ofMillis(millis));
    }
}

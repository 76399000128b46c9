package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ByteBoundEstimator;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.router.Attempt.Outcome;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 5.4, 5.5 — admission before any deployment: rate limits and the quota reservation of
 * the worst case (prompt bound + output cap), resized on a hop to another model, settled to the actual
 * cost or released.
 */
@DisplayName("Requirements 5.4, 5.5 — admission, reservation and settlement")
class AdmissionTest {

    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";

    @Test
    void the_worst_case_is_reserved_the_output_cap_is_sent_and_the_actual_cost_settled() {
        // given a caller capping output at 100 tokens on gpt-4o (model max 16 384)
        RouterHarness h = new RouterHarness();
        RecordingQuotaGate quota = new RecordingQuotaGate();
        h.builder.quota(quota);
        h.endpoint.script("gpt-4o-eastus", ok(12, 30));
        ChatRequest request = ChatRequest.chat(BODY).withMaxOutputTokens(100);
        ModelSpec gpt4o = h.fleet.catalog().model("gpt-4o").orElseThrow();
        long promptBound = new ByteBoundEstimator().estimate(request, gpt4o.encoding()).maxTokens();

        // when the request is routed
        ChatOutcome outcome = h.router().complete(ask("gpt-4o", request));

        // then the reservation was prompt bound + 100 at gpt-4o's prices, the deployment was sent 100
        assertThat(quota.reserved).containsExactly(new QuotaGate.Charge(promptBound + 100,
                gpt4o.pricing().costOf(promptBound, 100)));
        assertThat(h.endpoint.calls().get(0).maxOutputTokens()).isEqualTo(100);
        // and the hold settled to what was used
        Money cost = gpt4o.pricing().costOf(12, 30);
        assertThat(quota.settled).containsExactly(new QuotaGate.Charge(42, cost));
        assertThat(((ChatOutcome.Served) outcome).cost()).isEqualTo(cost);
    }

    @Test
    void several_choices_reserve_the_cap_once_per_choice_and_send_the_cap_per_choice() {
        // given a caller asking for n = 3 completions of at most 100 tokens each
        RouterHarness h = new RouterHarness();
        RecordingQuotaGate quota = new RecordingQuotaGate();
        h.builder.quota(quota);
        h.endpoint.script("gpt-4o-eastus", ok(12, 270));
        ChatRequest request = ChatRequest.chat(BODY).withMaxOutputTokens(100).withChoices(3);
        ModelSpec gpt4o = h.fleet.catalog().model("gpt-4o").orElseThrow();
        long promptBound = new ByteBoundEstimator().estimate(request, gpt4o.encoding()).maxTokens();

        // when the request is routed
        h.router().complete(ask("gpt-4o", request));

        // then the worst case holds all three completions, while max_tokens stays per completion
        assertThat(quota.reserved).containsExactly(new QuotaGate.Charge(promptBound + 300,
                gpt4o.pricing().costOf(promptBound, 300)));
        assertThat(h.endpoint.calls().get(0).maxOutputTokens()).isEqualTo(100);
    }

    @Test
    void without_a_caller_cap_the_models_own_maximum_is_the_cap() {
        RouterHarness h = new RouterHarness();
        h.router().complete(ask("gpt-4o"));
        assertThat(h.endpoint.calls().get(0).maxOutputTokens()).isEqualTo(16_384);
    }

    @Test
    void a_failed_request_releases_its_reservation() {
        RouterHarness h = new RouterHarness();
        RecordingQuotaGate quota = new RecordingQuotaGate();
        h.builder.quota(quota);
        h.endpoint.script("gpt-4o-eastus", fail(FailureKind.BAD_REQUEST));

        h.router().complete(ask("gpt-4o"));

        assertThat(quota.log).containsExactly("reserve", "release");
    }

    @Test
    void a_hop_to_another_model_resizes_the_reservation_and_is_skipped_when_the_quota_cannot_hold_it() {
        // given every gpt-4-turbo deployment fails and the quota refuses any bigger reservation
        RouterHarness h = new RouterHarness();
        RecordingQuotaGate quota = new RecordingQuotaGate();
        quota.refuseResizes = true;
        h.builder.quota(quota);
        h.endpoint.defaultStep(fail(FailureKind.SERVER_ERROR));

        // when a premium request walks its chain (gpt-4-turbo, then gpt-4o and gpt-4.1)
        ChatOutcome outcome = h.router().complete(new ChatCommand(RouterHarness.enterprise(), "premium", null,
                Residency.ANY, false, ChatRequest.chat(BODY), ""));

        // then only gpt-4-turbo was called; the other models were skipped as over quota
        assertThat(h.endpoint.calledDeployments()).allMatch(id -> id.startsWith("gpt-4-turbo-"));
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Exhausted.class, e -> assertThat(e.attempts())
                .filteredOn(a -> a.deployment().value().startsWith("gpt-4o-"))
                .extracting(a -> a.outcome()).containsOnly(Outcome.SKIPPED_OVER_QUOTA));
        assertThat(quota.log).contains("resize-refused").endsWith("release");
    }

    @Test
    void a_quota_refusal_reaches_no_deployment_and_records_nothing() {
        RouterHarness h = new RouterHarness();
        RecordingQuotaGate quota = new RecordingQuotaGate();
        quota.refuseReservations = true;
        h.builder.quota(quota);

        ChatOutcome outcome = h.router().complete(ask("gpt-4o"));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class,
                r -> assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.QUOTA_EXCEEDED));
        assertThat(h.endpoint.calls()).isEmpty();
        assertThat(h.ledger.all()).isEmpty();
    }

    @Test
    void a_rate_limited_request_is_refused_with_its_retry_after_and_the_limit_sees_prompt_plus_cap() {
        RouterHarness h = new RouterHarness();
        long[] seen = {0};
        RateLimitStatus status = new RateLimitStatus(20, 0, Duration.ofSeconds(12), 40_000, 100, Duration.ofSeconds(12));
        h.builder.rateLimits((caller, tokens, now) -> {
            seen[0] = tokens;
            return new RateGate.Verdict.Limited("20 requests per minute", java.util.Optional.of(Duration.ofSeconds(12)), status);
        });
        ChatRequest request = ChatRequest.chat(BODY).withMaxOutputTokens(50);

        ChatOutcome outcome = h.router().complete(ask("gpt-4o", request));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.RATE_LIMITED);
            assertThat(r.refusal().retryAfter()).contains(Duration.ofSeconds(12));
            assertThat(r.rateLimit()).isEqualTo(status);
        });
        assertThat(seen[0]).isEqualTo(BODY.length() / 4 + 50);
        assertThat(h.endpoint.calls()).isEmpty();
        assertThat(h.ledger.all()).isEmpty();
    }

    @Test
    void a_routing_rejection_becomes_a_refusal_with_the_same_reason() {
        RouterHarness h = new RouterHarness();

        ChatOutcome outcome = h.router().complete(ask("gpt-9"));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class,
                r -> assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.UNKNOWN_MODEL));
        assertThat(h.ledger.all()).isEmpty();
    }
}

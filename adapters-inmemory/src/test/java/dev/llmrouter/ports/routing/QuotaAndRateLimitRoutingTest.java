package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.ports.quota.QuotaPeriods;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaUsage;
import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 5.4, 5.5 through the router, on the real quota store and rate limiter: the worst case
 * is reserved and settled to the actual cost, a month that cannot hold the worst case is refused before
 * any deployment, and the per-minute request limit refuses with an exact retry-after.
 */
@DisplayName("Requirements 5.4, 5.5 — quota store and rate limiter in the router")
class QuotaAndRateLimitRoutingTest {

    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    private static Caller caller(Plan plan) {
        return new Caller("acct-7", plan, "bob", "chat");
    }

    private static ChatCommand ask(Caller caller, int maxTokens) {
        return new ChatCommand(caller, "gpt-4o", null, Residency.ANY, false,
                ChatRequest.chat(BODY).withMaxOutputTokens(maxTokens), "");
    }

    @Test
    void a_served_request_settles_its_actual_cost_in_the_month() {
        // given a $1 monthly quota
        RouterHarness h = new RouterHarness();
        InMemoryQuotaStore store = new InMemoryQuotaStore(h.clock, Duration.ofHours(1), QuotaSeed.NONE);
        h.builder.quotaStore(store);
        h.endpoint.script("gpt-4o-eastus", ok(20, 80));
        Plan plan = Fixtures.aPlan("small").highestTier(Tier.PREMIUM).quota(Quota.ofCost(Money.ofUsd("1"))).build();

        // when one request is served
        ChatOutcome outcome = h.router().complete(ask(caller(plan), 100));

        // then the month holds exactly its cost, nothing reserved
        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        QuotaUsage usage = store.usage("acct-7", QuotaPeriods.periodOf(h.clock.instant()));
        assertThat(usage.settled().cost()).isEqualTo(h.fleet.catalog().model("gpt-4o").orElseThrow().pricing().costOf(20, 80));
        assertThat(usage.reserved().tokens()).isZero();
        assertThat(usage.outstanding()).isZero();
    }

    @Test
    void a_month_that_cannot_hold_the_worst_case_is_refused_before_any_deployment() {
        // given a 1 000-token monthly quota and a request whose output cap alone is 16 384 tokens
        RouterHarness h = new RouterHarness();
        h.builder.quotaStore(new InMemoryQuotaStore(h.clock, Duration.ofHours(1), QuotaSeed.NONE));
        Plan plan = Fixtures.aPlan("tiny").highestTier(Tier.PREMIUM).quota(Quota.ofTokens(1_000)).build();

        // when it is routed
        ChatOutcome outcome = h.router().complete(ask(caller(plan), 0));

        // then it is refused as over quota, with the time until the month resets
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.QUOTA_EXCEEDED);
            assertThat(r.refusal().retryAfter()).isPresent();
        });
        assertThat(h.endpoint.calls()).isEmpty();
        assertThat(h.ledger.all()).isEmpty();
    }

    @Test
    void a_failed_request_returns_its_reservation() {
        RouterHarness h = new RouterHarness();
        InMemoryQuotaStore store = new InMemoryQuotaStore(h.clock, Duration.ofHours(1), QuotaSeed.NONE);
        h.builder.quotaStore(store);
        h.endpoint.script("gpt-4o-eastus", fail(FailureKind.CONTENT_FILTERED));
        Plan plan = Fixtures.aPlan("small").highestTier(Tier.PREMIUM).quota(Quota.ofCost(Money.ofUsd("1"))).build();

        h.router().complete(ask(caller(plan), 100));

        QuotaUsage usage = store.usage("acct-7", QuotaPeriods.periodOf(h.clock.instant()));
        assertThat(usage.settled().costNanos()).isZero();
        assertThat(usage.reserved().costNanos()).isZero();
        assertThat(usage.outstanding()).isZero();
    }

    @Test
    void the_per_minute_request_limit_refuses_with_an_exact_retry_after() {
        // given 2 requests per minute
        RouterHarness h = new RouterHarness();
        h.builder.rateLimiter(new InMemoryAccountRateLimiter(h.clock::nanos, Duration.ofMinutes(10), Duration.ofNanos(1)));
        Plan plan = Fixtures.aPlan("slow").highestTier(Tier.PREMIUM).rateLimits(new RateLimits(2, 0)).build();

        // when three requests arrive 10 s apart
        ChatOutcome first = h.router().complete(ask(caller(plan), 100));
        h.clock.advance(Duration.ofSeconds(10));
        ChatOutcome second = h.router().complete(ask(caller(plan), 100));
        h.clock.advance(Duration.ofSeconds(10));
        ChatOutcome third = h.router().complete(ask(caller(plan), 100));

        // then the third is refused until the first leaves the window, 40 s later
        assertThat(first).isInstanceOf(ChatOutcome.Served.class);
        assertThat(second.rateLimit().remainingRequests()).isZero();
        assertThat(third).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.RATE_LIMITED);
            assertThat(r.refusal().retryAfter()).contains(Duration.ofSeconds(40));
            assertThat(r.rateLimit().limitRequests()).isEqualTo(2);
        });
        assertThat(h.endpoint.calls()).hasSize(2);
    }
}

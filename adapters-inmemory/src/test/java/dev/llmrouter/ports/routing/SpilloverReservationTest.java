package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.Pricing;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 5.4 and 8.5: the quota reservation of a call to a provisioned deployment (free per
 * token) holds its spillover target's worst case too, since Azure may serve the call there and it is
 * billed as served; without a spillover target the deployment's own prices are the worst case.
 */
@DisplayName("Requirements 5.4/8.5: a reservation holds the spillover target's worst case")
class SpilloverReservationTest {

    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    private static RouterHarness harness(Optional<String> spilloverTo) {
        Deployment ptu = new Deployment(DeploymentId.of("gpt-4o-ptu"), "gpt-4o", Fixtures.EASTUS,
                URI.create("https://ptu.example"), "gpt-4o-ptu", ChainRole.PRIMARY, Optional.of(Pricing.FREE),
                spilloverTo.map(DeploymentId::of));
        Deployment paygo = new Deployment(DeploymentId.of("gpt-4o-paygo"), "gpt-4o", Fixtures.EASTUS,
                URI.create("https://paygo.example"), "gpt-4o", ChainRole.SECONDARY);
        RouterHarness h = new RouterHarness(Fleet.builder().catalog(ExampleCatalog.create())
                .deployment(ptu).deployment(paygo).build());
        h.builder.quotaStore(new InMemoryQuotaStore(h.clock, Duration.ofHours(1), QuotaSeed.NONE));
        h.endpoint.script("gpt-4o-ptu", ok(20, 80));
        return h;
    }

    /** A $0.05 month, and a request whose output cap (1 000 tokens at GPT-4o's $10 per 1M: $0.01) fits it 5 times. */
    private static ChatOutcome ask(RouterHarness h, int maxTokens) {
        Plan plan = Fixtures.aPlan("small").highestTier(Tier.PREMIUM).quota(Quota.ofCost(Money.ofUsd("0.05"))).build();
        return h.router().complete(new ChatCommand(new Caller("acct-7", plan, "bob", "chat"), "gpt-4o", null,
                Residency.ANY, false, ChatRequest.chat(BODY).withMaxOutputTokens(maxTokens), ""));
    }

    @Test
    void a_provisioned_deployment_without_spillover_reserves_its_own_free_worst_case() {
        RouterHarness h = harness(Optional.empty());

        assertThat(ask(h, 16_000)).isInstanceOf(ChatOutcome.Served.class);
    }

    @Test
    void a_provisioned_deployment_that_may_spill_reserves_the_pay_as_you_go_worst_case() {
        RouterHarness h = harness(Optional.of("gpt-4o-paygo"));

        // 16 000 output tokens at $10 per 1M is $0.16: more than the month holds, whatever the PTU costs
        assertThat(ask(h, 16_000)).isInstanceOfSatisfying(ChatOutcome.Refused.class,
                r -> assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.QUOTA_EXCEEDED));
        assertThat(h.endpoint.calls()).isEmpty();
        // and one that fits the pay-as-you-go worst case is served
        assertThat(ask(h, 1_000)).isInstanceOf(ChatOutcome.Served.class);
    }
}

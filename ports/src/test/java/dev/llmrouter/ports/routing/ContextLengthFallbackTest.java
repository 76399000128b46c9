package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.router.ChatOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4 — context length exceeded is final, except that it may move on to a model with a
 * larger context window (and only to such a model).
 */
@DisplayName("Requirement 1.4 — context length moves on only to a larger window")
class ContextLengthFallbackTest {

    /** Standard tier: "small" (8K, the tier model, two deployments), then "large" (128K). */
    private static Fleet fleet(boolean withLarge) {
        ModelCatalog.Builder catalog = ModelCatalog.builder()
                .model(ModelSpec.builder("small").tier(Tier.STANDARD).contextWindow(8_192).maxOutputTokens(1_024)
                        .pricePerMillion("1.00", "2.00"))
                .tierModel(Tier.STANDARD, "small");
        if (withLarge) {
            catalog.model(ModelSpec.builder("large").tier(Tier.STANDARD).contextWindow(128_000).maxOutputTokens(1_024)
                    .pricePerMillion("1.00", "2.00"));
        }
        Fleet.Builder fleet = Fleet.builder().catalog(catalog.build())
                .deployment(Fixtures.deployment("small-1", "small", Fixtures.EASTUS, ChainRole.PRIMARY))
                .deployment(Fixtures.deployment("small-2", "small", Fixtures.WESTEUROPE, ChainRole.SECONDARY));
        if (withLarge) {
            fleet.deployment(Fixtures.deployment("large-1", "large", Fixtures.EASTUS, ChainRole.PRIMARY));
        }
        return fleet.build();
    }

    @Test
    void moves_past_same_window_deployments_to_the_larger_model() {
        // given the small model's deployment says the prompt does not fit
        RouterHarness h = new RouterHarness(fleet(true));
        h.endpoint.script("small-1", fail(FailureKind.CONTEXT_LENGTH_EXCEEDED)).script("large-1", ok(9_000, 10));

        // when a standard request is routed
        ChatOutcome outcome = h.router().complete(RouterHarness.ask("standard"));

        // then the other small deployment is not tried, and the large model serves
        assertThat(h.endpoint.calledDeployments()).containsExactly("small-1", "large-1");
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class,
                s -> assertThat(s.route().model().id()).isEqualTo("large"));
    }

    @Test
    void is_final_when_no_larger_window_remains() {
        RouterHarness h = new RouterHarness(fleet(false));
        h.endpoint.script("small-1", fail(FailureKind.CONTEXT_LENGTH_EXCEEDED));

        ChatOutcome outcome = h.router().complete(RouterHarness.ask("standard"));

        assertThat(h.endpoint.calledDeployments()).containsExactly("small-1");
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Failed.class,
                f -> assertThat(f.failure().kind()).isEqualTo(FailureKind.CONTEXT_LENGTH_EXCEEDED));
        assertThat(h.ledger.all()).singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(dev.llmrouter.domain.usage.UsageOutcome.FINAL_ERROR));
    }
}

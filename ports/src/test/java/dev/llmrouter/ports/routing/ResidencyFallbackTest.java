package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 3 / Requirement 1.3 — residency is never broken, not by a fallback, not by a fall-down to a
 * lower tier: every deployment the router calls lies inside the allowed regions.
 */
@DisplayName("Property 3 — residency survives fallback and fall-down")
class ResidencyFallbackTest {

    private static final List<Residency> RESIDENCIES = List.of(
            Residency.within(Geography.EU), Residency.within(Geography.US), Residency.inRegions("swedencentral"),
            Residency.inRegions("westeurope", "eastus"), Residency.within(Geography.UK));
    private static final List<String> REQUESTED = List.of("premium", "standard", "economy", "gpt-4o", "gpt-4.1-mini");

    @Test
    void every_call_of_an_exhausting_request_stays_inside_the_residency() {
        qt().withExamples(40).forAll(integers().between(0, RESIDENCIES.size() - 1),
                        integers().between(0, REQUESTED.size() - 1))
                .checkAssert((r, q) -> {
                    // given every deployment fails, so the request walks its whole chain and falls down
                    RouterHarness h = new RouterHarness();
                    h.endpoint.defaultStep(fail(FailureKind.SERVER_ERROR));
                    Residency residency = RESIDENCIES.get(r);

                    // when a fall-down-allowed request with a residency constraint is routed
                    ChatOutcome outcome = h.router().complete(new ChatCommand(RouterHarness.enterprise(), REQUESTED.get(q),
                            null, residency, true, ChatRequest.chat("{}"), ""));

                    // then every call went inside the allowed regions (or the request was refused before any)
                    for (String id : h.endpoint.calledDeployments()) {
                        assertThat(residency.allows(h.fleet.deployment(DeploymentId.of(id)).orElseThrow().region()))
                                .as("%s under %s", id, residency.describe()).isTrue();
                    }
                    assertThat(outcome).isInstanceOfAny(ChatOutcome.Exhausted.class, ChatOutcome.Refused.class);
                });
    }

    @Test
    void an_eu_request_falls_down_within_the_eu() {
        RouterHarness h = new RouterHarness();
        h.endpoint.defaultStep(fail(FailureKind.SERVER_ERROR))
                .script("gpt-35-turbo-westeurope", dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok(5, 5));

        ChatOutcome outcome = h.router().complete(new ChatCommand(RouterHarness.enterprise(), "premium", null,
                Residency.within(Geography.EU), true, ChatRequest.chat("{}"), ""));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, s -> {
            assertThat(s.route().fellDown()).isTrue();
            assertThat(s.route().deployment().region().geography()).isEqualTo(Geography.EU);
        });
        assertThat(h.endpoint.calledDeployments()).noneMatch(id -> id.endsWith("eastus"));
    }
}

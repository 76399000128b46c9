package dev.llmrouter.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.routing.RoutePlan.Rejected;
import dev.llmrouter.domain.routing.RoutePlan.Routed;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 3 — residency (Requirement 1.3): for arbitrary fleets (regions, geographies, roles,
 * models) and arbitrary residency constraints, with fall-down on or off, no candidate is ever outside
 * the allowed set; and the constraint removes only what it must: when an allowed deployment of the
 * chosen model exists (and the model fits the request), the request is routed to every one of them.
 */
@DisplayName("Property 3: residency is never violated")
class ResidencyPropertyTest {

    @Test
    @DisplayName("Property 3: no candidate, fallback or fall-down lies outside the allowed regions")
    void noCandidateOutsideTheAllowedSet() {
        qt().withExamples(600).forAll(RouteScenario.constrainedRequests(RoutingGen.fleets())).checkAssert(s -> {
            // when
            RoutePlan plan = s.route();

            // then
            if (plan instanceof Routed routed) {
                for (Candidate c : routed.candidates()) {
                    assertThat(s.request().residency().allows(c.deployment().region()))
                            .as("%s in %s allowed by %s", c.deployment().id(), c.deployment().region(),
                                    s.request().residency().describe())
                            .isTrue();
                }
            }
        });
    }

    @Test
    @DisplayName("Property 3: an allowed deployment of the chosen model is never lost to the constraint")
    void anAllowedDeploymentOfTheChosenModelIsRouted() {
        qt().withExamples(600).forAll(RouteScenario.constrainedRequests(RoutingGen.fleets())).checkAssert(s -> {
            // given
            Optional<ModelSpec> chosen = s.chosenModel();
            if (chosen.isEmpty() || !s.fits(chosen.get())) {
                return;
            }
            List<Deployment> allowed = s.allowedDeploymentsOf(chosen.get());

            // when
            RoutePlan plan = s.route();

            // then
            if (allowed.isEmpty()) {
                return;
            }
            assertThat(plan).isInstanceOf(Routed.class);
            List<Deployment> ofChosen = ((Routed) plan).candidates().stream()
                    .filter(c -> !c.fallDown() && c.model().equals(chosen.get()))
                    .map(Candidate::deployment)
                    .toList();
            assertThat(ofChosen).containsExactlyInAnyOrderElementsOf(allowed);
            assertThat(((Routed) plan).candidates().get(0).model()).isEqualTo(chosen.get());
        });
    }

    @Test
    @DisplayName("Property 3: a residency no deployment satisfies is a reasoned rejection, not a violation")
    void unsatisfiableResidencyIsRejected() {
        qt().withExamples(300).forAll(RouteScenario.constrainedRequests(RoutingGen.fleets())).checkAssert(s -> {
            // given: no deployment of the fleet lies in the allowed set
            boolean anyAllowed = s.generated().declared().stream()
                    .anyMatch(d -> s.request().residency().allows(d.region()));
            if (anyAllowed) {
                return;
            }

            // when
            RoutePlan plan = s.route();

            // then
            assertThat(plan).isInstanceOf(Rejected.class);
            assertThat(((Rejected) plan).reason()).isNotEqualTo(RoutePlan.Reason.UNKNOWN_MODEL);
        });
    }
}

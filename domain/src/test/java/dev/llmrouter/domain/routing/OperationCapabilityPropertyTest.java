package dev.llmrouter.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.routing.RoutePlan.Rejected;
import dev.llmrouter.domain.routing.RoutePlan.Routed;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4, operations: for arbitrary fleets whose models serve chat, text completion or both,
 * and arbitrary requests of either operation (with any residency, vision, prompt size and fall-down),
 * no candidate — chosen model, fallback or fall-down — lacks the capability the operation needs; and
 * a request that no model in reach serves is a rejection that names the operation.
 */
@DisplayName("Requirement 1.4: no candidate lacks the capability its operation needs")
class OperationCapabilityPropertyTest {

    @Test
    @DisplayName("Requirement 1.4: every candidate serves the request's operation")
    void noCandidateLacksTheOperation() {
        qt().withExamples(600).forAll(RouteScenario.constrainedRequests(RoutingGen.fleets())).checkAssert(s -> {
            // when
            RoutePlan plan = s.route();

            // then
            if (plan instanceof Routed routed) {
                for (Candidate c : routed.candidates()) {
                    assertThat(c.model().supports(s.request().operation()))
                            .as("%s (%s) serves %s", c.deployment().id(), c.model().capabilities(), s.request().operation())
                            .isTrue();
                }
                assertThat(routed.model().supports(s.request().operation())).isTrue();
            }
        });
    }

    @Test
    @DisplayName("Requirement 1.4: a request no considered model serves is rejected naming its operation, and only then")
    void aRejectionForTheOperationNamesIt() {
        qt().withExamples(600).forAll(RouteScenario.constrainedRequests(RoutingGen.fleets())).checkAssert(s -> {
            // given: whether any model the rules consider serves the operation
            List<ModelSpec> considered = s.consideredModels();
            boolean noneServesIt = !considered.isEmpty()
                    && considered.stream().noneMatch(m -> m.supports(s.request().operation()));
            String naming = s.request().operation() == Capability.CHAT ? "chat model" : "text-completion capability";

            // when
            RoutePlan plan = s.route();

            // then
            if (noneServesIt) {
                assertThat(plan).isInstanceOfSatisfying(Rejected.class, r -> {
                    assertThat(r.reason()).isEqualTo(RoutePlan.Reason.NO_ELIGIBLE_DEPLOYMENT);
                    assertThat(r.message()).contains(naming);
                });
            } else if (plan instanceof Rejected rejected) {
                // another filter (residency, vision, context) explains it: the operation is not blamed
                assertThat(rejected.message()).doesNotContain(naming);
            }
        });
    }
}

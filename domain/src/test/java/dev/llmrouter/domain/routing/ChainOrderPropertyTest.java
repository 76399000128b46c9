package dev.llmrouter.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.routing.RoutePlan.Routed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chain order rule (Requirement 1.4, with 1.3's region preference): models in the order the
 * routing rules give (chosen model, the tier's other models, then lower tiers when fall-down is
 * allowed); within a model, primary → secondary → disaster recovery; within a role the preferred
 * region first, then regions of the preferred region's geography, then the rest, declaration order
 * breaking ties. Each deployment appears at most once.
 */
@DisplayName("Requirement 1.4: fallback chain order")
class ChainOrderPropertyTest {

    @Test
    @DisplayName("Requirement 1.4: models in rule order, roles primary → secondary → DR, then region closeness")
    void chainFollowsTheOrderRule() {
        qt().withExamples(600).forAll(RouteScenario.constrainedRequests(RoutingGen.fleets())).checkAssert(s -> {
            // when
            RoutePlan plan = s.route();
            if (!(plan instanceof Routed routed)) {
                assertThat(s.expectedModelOrder()).as("a rejection leaves nothing to try").isEmpty();
                return;
            }
            List<Candidate> chain = routed.candidates();

            // then: each deployment once, models in the order of the rules, each model's slice contiguous
            assertThat(new HashSet<>(chain.stream().map(c -> c.deployment().id()).toList())).hasSize(chain.size());
            List<ModelSpec> models = new ArrayList<>();
            for (Candidate c : chain) {
                if (models.isEmpty() || !models.get(models.size() - 1).equals(c.model())) {
                    models.add(c.model());
                }
            }
            assertThat(models).as("model order").containsExactlyElementsOf(s.expectedModelOrder());

            // and: fall-down candidates come after every candidate of the effective tier
            boolean seenFallDown = false;
            for (Candidate c : chain) {
                assertThat(!c.fallDown() && seenFallDown).as("effective tier after a fall-down").isFalse();
                seenFallDown |= c.fallDown();
            }

            // and: within a model, role, then closeness to the preferred region, then declaration order
            for (int i = 1; i < chain.size(); i++) {
                Candidate a = chain.get(i - 1);
                Candidate b = chain.get(i);
                if (!a.model().equals(b.model())) {
                    continue;
                }
                Deployment da = a.deployment();
                Deployment db = b.deployment();
                int byRole = da.role().compareTo(db.role());
                assertThat(byRole).as("role order %s before %s", da.id(), db.id()).isLessThanOrEqualTo(0);
                if (byRole == 0) {
                    int ra = s.regionRank(da.region());
                    int rb = s.regionRank(db.region());
                    assertThat(ra).as("region closeness %s (%s) before %s (%s), preferred %s",
                            da.id(), da.region(), db.id(), db.region(), s.request().preferredRegion())
                            .isLessThanOrEqualTo(rb);
                    if (ra == rb) {
                        assertThat(s.generated().declarationIndex(da))
                                .as("declaration order %s before %s", da.id(), db.id())
                                .isLessThan(s.generated().declarationIndex(db));
                    }
                }
            }
        });
    }
}

package dev.llmrouter.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.RoutePlan.Rejected;
import dev.llmrouter.domain.routing.RoutePlan.Routed;
import dev.llmrouter.domain.routing.RoutingGen.GenFleet;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property 1 — tier-based model selection (Requirements 1.1, 1.2): for every plan × requested tier
 * (or none, or a model id), the chosen model is the catalog's model for the effective tier, and the
 * effective tier never exceeds the plan's highest; a request above the plan is downgraded to the
 * highest tier and the route says so; a request with no tier gets the plan's default.
 */
@DisplayName("Property 1: tier-based model selection")
class TierSelectionPropertyTest {

    private static final GenFleet EXAMPLE = exampleFleet();

    /** Families of the earlier version: premium → GPT-4 Turbo, standard → GPT-4, economy → GPT-3.5 Turbo. */
    private static final Map<Tier, String> EXAMPLE_FAMILIES =
            Map.of(Tier.PREMIUM, "gpt-4-turbo", Tier.STANDARD, "gpt-4", Tier.ECONOMY, "gpt-35-turbo");

    @Test
    @DisplayName("Property 1, example catalog: premium → GPT-4 Turbo, standard → GPT-4, economy → GPT-3.5 Turbo, capped at the plan")
    void exampleCatalogMapsTiersToTheirFamilies() {
        Gen<GenFleet> example = rs -> EXAMPLE;
        qt().withExamples(400).forAll(RouteScenario.plainRequests(example)).checkAssert(s -> {
            // when
            RoutePlan plan = s.route();

            // then: the models of the example catalog that serve no chat are never chosen for one
            if (s.namedModel().isPresent() && !s.downgraded() && !s.fits(s.namedModel().get())) {
                assertThat(s.namedModel().get().id()).isIn("gpt-35-turbo-instruct", "text-embedding-3-small");
                assertThat(plan).isInstanceOf(Rejected.class);
                return;
            }
            assertThat(plan).isInstanceOf(Routed.class);
            Routed routed = (Routed) plan;
            assertTierRules(s, routed);
            if (s.namedModel().isEmpty() || s.downgraded()) {
                assertThat(routed.model().family()).isEqualTo(EXAMPLE_FAMILIES.get(routed.effectiveTier()));
                assertThat(routed.model()).isEqualTo(s.catalog().tierModel(routed.effectiveTier()));
            } else {
                assertThat(routed.model()).isEqualTo(s.namedModel().get());
            }
            Candidate first = routed.candidates().get(0);
            assertThat(first.model()).isEqualTo(routed.model());
            assertThat(first.tier()).isEqualTo(routed.effectiveTier());
            assertThat(first.fallDown()).isFalse();
        });
    }

    @Test
    @DisplayName("Property 1, arbitrary catalogs and fleets: the tier model of the effective tier whenever it is eligible")
    void arbitraryCatalogsChooseTheEffectiveTiersModel() {
        qt().withExamples(500).forAll(RouteScenario.plainRequests(RoutingGen.fleets())).checkAssert(s -> {
            // when
            RoutePlan plan = s.route();

            // then
            Optional<ModelSpec> chosen = s.chosenModel();
            if (chosen.isEmpty()) {
                assertThat(plan).isInstanceOfSatisfying(Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo(RoutePlan.Reason.NO_ELIGIBLE_DEPLOYMENT));
                return;
            }
            boolean chosenEligible = s.fits(chosen.get()) && !s.allowedDeploymentsOf(chosen.get()).isEmpty();
            if (chosenEligible) {
                assertThat(plan).isInstanceOf(Routed.class);
            }
            if (plan instanceof Routed routed) {
                assertTierRules(s, routed);
                // The plan reports the model tried first: the chosen one whenever it has an allowed deployment.
                assertThat(routed.model()).isEqualTo(routed.candidates().get(0).model());
                if (chosenEligible) {
                    assertThat(routed.model()).isEqualTo(chosen.get());
                }
                for (Candidate c : routed.candidates()) {
                    assertThat(c.model().tier()).isEqualTo(c.tier());
                    if (c.fallDown()) {
                        assertThat(c.tier().isAbove(routed.effectiveTier()) || c.tier() == routed.effectiveTier())
                                .as("a fall-down candidate is below the effective tier").isFalse();
                        assertThat(s.plan().fallDown() && s.request().allowFallDown()).isTrue();
                    } else {
                        assertThat(c.tier()).isEqualTo(routed.effectiveTier());
                    }
                }
            } else {
                // Only a chosen model without deployments or not serving the operation, no other: nothing to try.
                assertThat(((Rejected) plan).reason()).isEqualTo(RoutePlan.Reason.NO_ELIGIBLE_DEPLOYMENT);
                assertThat(s.expectedModelOrder()).isEmpty();
            }
        });
    }

    @Test
    @DisplayName("Property 1: the effective tier depends only on the plan and the requested tier")
    void effectiveTierIsTheRequestCappedAtThePlan() {
        qt().withExamples(200).forAll(RoutingGen.plans(), RoutingGen.tiers().toOptionals(25)).checkAssert((plan, requested) -> {
            // when
            Tier effective = plan.effectiveTier(requested.orElse(null));

            // then
            assertThat(effective.isAbove(plan.highestTier())).isFalse();
            assertThat(plan.allows(effective)).isTrue();
            if (requested.isEmpty()) {
                assertThat(effective).isEqualTo(plan.defaultTier());
            } else if (requested.get().isAbove(plan.highestTier())) {
                assertThat(effective).isEqualTo(plan.highestTier());
            } else {
                assertThat(effective).isEqualTo(requested.get());
            }
        });
    }

    /** The tier rules every routed request obeys, whatever the catalog. */
    private static void assertTierRules(RouteScenario s, Routed routed) {
        assertThat(routed.requestedTier()).isEqualTo(s.requestedTier());
        assertThat(routed.effectiveTier()).isEqualTo(s.effectiveTier());
        assertThat(routed.effectiveTier().isAbove(s.plan().highestTier()))
                .as("effective tier above the plan's highest").isFalse();
        assertThat(routed.downgraded()).isEqualTo(s.downgraded());
        if (routed.downgraded()) {
            assertThat(routed.effectiveTier()).isEqualTo(s.plan().highestTier());
            assertThat(routed.downgrade().get()).contains(s.plan().highestTier().id());
        }
        if (s.request().requested() == null) {
            assertThat(routed.requestedTier()).isEmpty();
            assertThat(routed.effectiveTier()).isEqualTo(s.plan().defaultTier());
        }
    }

    private static GenFleet exampleFleet() {
        Fleet fleet = Fixtures.exampleFleet();
        ModelCatalog catalog = fleet.catalog();
        assertThat(catalog.models()).isNotEmpty();
        return new GenFleet(fleet, new ArrayList<>(fleet.deployments()));
    }
}

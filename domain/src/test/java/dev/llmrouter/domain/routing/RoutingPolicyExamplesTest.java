package dev.llmrouter.domain.routing;

import static dev.llmrouter.domain.fixtures.Fixtures.EASTUS;
import static dev.llmrouter.domain.fixtures.Fixtures.SWEDENCENTRAL;
import static dev.llmrouter.domain.fixtures.Fixtures.UKSOUTH;
import static dev.llmrouter.domain.fixtures.Fixtures.WESTEUROPE;
import static dev.llmrouter.domain.fixtures.Fixtures.deployment;
import static dev.llmrouter.domain.fixtures.Fixtures.enterprisePlan;
import static dev.llmrouter.domain.fixtures.Fixtures.exampleFleet;
import static dev.llmrouter.domain.fixtures.Fixtures.freePlan;
import static dev.llmrouter.domain.fixtures.Fixtures.proPlan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.domain.routing.RoutePlan.Reason;
import dev.llmrouter.domain.routing.RoutePlan.Rejected;
import dev.llmrouter.domain.routing.RoutePlan.Routed;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirements 1.1–1.4 by example, over the shared example fleet. */
@DisplayName("Routing policy examples (Requirements 1.1–1.4)")
class RoutingPolicyExamplesTest {

    private final RoutingPolicy policy = new RoutingPolicy(exampleFleet());

    @Test
    @DisplayName("Requirement 1.2: a free plan asking for premium gets economy, and is told so")
    void freePlanAskingForPremiumIsDowngraded() {
        // given
        RouteRequest request = RouteRequest.of(freePlan(), "premium");

        // when
        RoutePlan plan = policy.route(request);

        // then
        Routed routed = routed(plan);
        assertThat(routed.requestedTier()).contains(Tier.PREMIUM);
        assertThat(routed.effectiveTier()).isEqualTo(Tier.ECONOMY);
        assertThat(routed.model().id()).isEqualTo("gpt-35-turbo");
        assertThat(routed.downgraded()).isTrue();
        assertThat(routed.downgrade().orElseThrow()).contains("free").contains("economy").contains("premium");
    }

    @Test
    @DisplayName("Requirement 1.2: a named model above the plan is replaced by the plan's highest tier model")
    void namedModelAboveThePlanIsReplaced() {
        // when
        Routed routed = routed(policy.route(RouteRequest.of(proPlan(), "gpt-4o")));

        // then
        assertThat(routed.effectiveTier()).isEqualTo(Tier.STANDARD);
        assertThat(routed.model().id()).isEqualTo("gpt-4");
        assertThat(routed.downgraded()).isTrue();
    }

    @Test
    @DisplayName("Requirement 1.2: a request naming no tier gets the plan's default tier, not a downgrade")
    void noTierGetsThePlanDefault() {
        // when
        Routed routed = routed(policy.route(RouteRequest.of(enterprisePlan(), null)));

        // then
        assertThat(routed.requestedTier()).isEmpty();
        assertThat(routed.effectiveTier()).isEqualTo(Tier.STANDARD);
        assertThat(routed.model().id()).isEqualTo("gpt-4");
        assertThat(routed.downgraded()).isFalse();
    }

    @Test
    @DisplayName("Requirement 1.1: premium → GPT-4 Turbo, standard → GPT-4, economy → GPT-3.5 Turbo")
    void tiersMapToTheirModels() {
        assertThat(routed(policy.route(RouteRequest.of(enterprisePlan(), "premium"))).model().id()).isEqualTo("gpt-4-turbo");
        assertThat(routed(policy.route(RouteRequest.of(enterprisePlan(), "standard"))).model().id()).isEqualTo("gpt-4");
        assertThat(routed(policy.route(RouteRequest.of(enterprisePlan(), "economy"))).model().id()).isEqualTo("gpt-35-turbo");
    }

    @Test
    @DisplayName("Requirement 1.4: a tier's chain is primary → secondary → disaster recovery")
    void chainGoesPrimarySecondaryDisasterRecovery() {
        // when
        Routed routed = routed(policy.route(RouteRequest.of(enterprisePlan(), "premium").withFallDown(false)));

        // then
        assertThat(routed.candidates().subList(0, 3)).extracting(c -> c.deployment().id().value())
                .containsExactly("gpt-4-turbo-eastus", "gpt-4-turbo-westeurope", "gpt-4-turbo-swedencentral");
        assertThat(routed.candidates()).noneMatch(Candidate::fallDown);
    }

    @Test
    @DisplayName("Requirement 1.3: an EU-only request never sees an East US deployment, not even on fall-down")
    void euOnlyRequestNeverSeesEastUs() {
        // given
        RouteRequest request = RouteRequest.of(enterprisePlan(), "premium").withResidency(Residency.within(Geography.EU));

        // when
        Routed routed = routed(policy.route(request));

        // then
        assertThat(routed.candidates()).isNotEmpty()
                .allSatisfy(c -> assertThat(c.deployment().region().geography()).isEqualTo(Geography.EU));
        assertThat(routed.candidates()).noneMatch(c -> c.deployment().region().equals(EASTUS));
        assertThat(routed.candidates()).anyMatch(Candidate::fallDown);
        assertThat(routed.candidates().get(0).deployment().id().value()).isEqualTo("gpt-4-turbo-westeurope");
    }

    @Test
    @DisplayName("Requirement 1.3: a residency no deployment satisfies is rejected with a reason")
    void unsatisfiableResidencyIsRejected() {
        // when
        RoutePlan plan = policy.route(RouteRequest.of(enterprisePlan(), "premium").withResidency(Residency.within(Geography.JAPAN)));

        // then
        assertThat(plan).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.NO_ELIGIBLE_DEPLOYMENT);
            assertThat(r.message()).contains("japan");
        });
    }

    @Test
    @DisplayName("Requirement 2.4: an economy vision request skips text-only gpt-35-turbo for gpt-4o-mini")
    void visionRequestSkipsTextOnlyModel() {
        // given
        RouteRequest request = RouteRequest.of(enterprisePlan(), "economy").withVision(true);

        // when
        Routed routed = routed(policy.route(request));

        // then
        assertThat(routed.candidates().get(0).model().id()).isEqualTo("gpt-4o-mini");
        assertThat(routed.candidates()).noneMatch(c -> c.model().id().startsWith("gpt-35-turbo"));
    }

    @Test
    @DisplayName("Requirement 1.1: an unknown model is rejected with UNKNOWN_MODEL, as a value")
    void unknownModelIsRejected() {
        // when
        RoutePlan plan = policy.route(RouteRequest.of(enterprisePlan(), "gpt-9-ultra"));

        // then
        assertThat(plan).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_MODEL);
            assertThat(r.message()).contains("gpt-9-ultra");
        });
    }

    @Test
    @DisplayName("A prompt larger than every context window is rejected with PROMPT_TOO_LARGE")
    void promptLargerThanEveryWindowIsRejected() {
        // given: the largest window of the example catalog is gpt-4.1's 1,047,576 tokens
        RouteRequest request = RouteRequest.of(enterprisePlan(), "premium").withEstimatedPromptTokens(2_000_000);

        // when
        RoutePlan plan = policy.route(request);

        // then
        assertThat(plan).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.PROMPT_TOO_LARGE));
    }

    @Test
    @DisplayName("A prompt too large for the tier model moves to a larger window of the same tier")
    void promptTooLargeForTierModelMovesToLargerWindow() {
        // given: gpt-4 (standard's tier model) has an 8,192-token window; gpt-4.1-mini has about 1M
        RouteRequest request = RouteRequest.of(proPlan(), "standard").withEstimatedPromptTokens(20_000);

        // when
        Routed routed = routed(policy.route(request));

        // then
        assertThat(routed.candidates().get(0).model().id()).isEqualTo("gpt-4.1-mini");
    }

    @Test
    @DisplayName("Requirement 1.3: within a role the preferred region comes first, then its geography")
    void preferredRegionFirstThenSameGeography() {
        // given: three primaries of one model in eastus, uksouth and westeurope, declared in that order
        Fleet fleet = Fleet.builder().catalog(oneModelCatalog())
                .deployment(deployment("a-eastus", "m", EASTUS, ChainRole.PRIMARY))
                .deployment(deployment("b-uksouth", "m", UKSOUTH, ChainRole.PRIMARY))
                .deployment(deployment("c-westeurope", "m", WESTEUROPE, ChainRole.PRIMARY))
                .deployment(deployment("d-sweden", "m", SWEDENCENTRAL, ChainRole.SECONDARY))
                .build();

        // when: the caller prefers swedencentral (EU)
        Routed routed = routed(new RoutingPolicy(fleet).route(RouteRequest.of(enterprisePlan(), "m").withPreferredRegion("swedencentral")));

        // then: primaries first (EU one first, then the rest in declaration order), the secondary last
        assertThat(ids(routed)).containsExactly("c-westeurope", "a-eastus", "b-uksouth", "d-sweden");
    }

    @Test
    @DisplayName("Requirement 1.3: a preferred region the fleet does not know favours no geography")
    void unknownPreferredRegionFavoursNoGeography() {
        // given: primaries in uksouth then eastus, declared in that order
        Fleet fleet = Fleet.builder().catalog(oneModelCatalog())
                .deployment(deployment("a-uksouth", "m", UKSOUTH, ChainRole.PRIMARY))
                .deployment(deployment("b-eastus", "m", EASTUS, ChainRole.PRIMARY))
                .build();

        // when: the preferred region is not one of the fleet's (a typo, or a region with no deployment)
        Routed routed = routed(new RoutingPolicy(fleet).route(RouteRequest.of(enterprisePlan(), "m").withPreferredRegion("centralindia")));

        // then: declaration order, not "US first"
        assertThat(ids(routed)).containsExactly("a-uksouth", "b-eastus");
    }

    private static ModelCatalog oneModelCatalog() {
        return ModelCatalog.builder().model(ModelSpec.builder("m").tier(Tier.PREMIUM)).build();
    }

    private static List<String> ids(Routed routed) {
        return routed.candidates().stream().map(c -> c.deployment().id().value()).toList();
    }

    private static Routed routed(RoutePlan plan) {
        assertThat(plan).isInstanceOf(Routed.class);
        return (Routed) plan;
    }
}

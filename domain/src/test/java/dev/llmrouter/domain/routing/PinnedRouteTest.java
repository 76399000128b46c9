package dev.llmrouter.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Residency;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4, stickiness: a request that must reach one particular deployment (it holds what the
 * request continues) skips balancing and fallback: its route is that deployment alone, in a group of
 * its own, and only when routing's own rules (plan, residency, operation, capabilities) let the
 * request go there; otherwise there is no route, for the caller to refuse.
 */
@DisplayName("Requirement 1.4: a request pinned to a deployment is routed there alone, or not at all")
class PinnedRouteTest {

    final RoutingPolicy policy = new RoutingPolicy(Fixtures.exampleFleet());

    @Test
    void the_route_is_the_named_deployment_alone_even_below_the_first_group() {
        RoutePlan.Routed routed = (RoutePlan.Routed) policy.route(RouteRequest.of(Fixtures.enterprisePlan(), "premium"));
        DeploymentId secondary = DeploymentId.of("gpt-4-turbo-westeurope");

        RoutePlan.Routed pinned = routed.pinnedTo(secondary).orElseThrow();

        assertThat(pinned.candidates()).extracting(c -> c.deployment().id()).containsExactly(secondary);
        assertThat(pinned.groups().count()).isEqualTo(1);
        assertThat(pinned.model().id()).isEqualTo("gpt-4-turbo");
        assertThat(pinned.effectiveTier()).isEqualTo(routed.effectiveTier());
    }

    @Test
    void a_deployment_the_rules_exclude_gives_no_route() {
        RoutePlan.Routed euOnly = (RoutePlan.Routed) policy.route(RouteRequest.of(Fixtures.enterprisePlan(), "premium")
                .withResidency(Residency.within(Geography.EU)));

        assertThat(euOnly.pinnedTo(DeploymentId.of("gpt-4-turbo-eastus"))).as("outside the residency").isEmpty();
        assertThat(euOnly.pinnedTo(DeploymentId.of("no-such-deployment"))).isEmpty();
        assertThat(euOnly.pinnedTo(DeploymentId.of("gpt-4-turbo-swedencentral"))).isPresent();
    }
}

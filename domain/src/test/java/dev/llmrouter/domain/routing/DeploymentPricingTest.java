package dev.llmrouter.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.Pricing;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.5: a candidate bills at its deployment's own prices where the deployment has them and
 * at its model's otherwise, and a fleet refuses a spillover target it does not hold (or the deployment
 * itself), naming the deployment.
 */
@DisplayName("Requirement 8.5: prices per deployment, spillover targets within the fleet")
class DeploymentPricingTest {

    private static final ModelSpec GPT_4O = ExampleCatalog.create().model("gpt-4o").orElseThrow();

    private static Deployment deployment(String id, Optional<Pricing> pricing, Optional<String> spilloverTo) {
        return new Deployment(DeploymentId.of(id), "gpt-4o", Fixtures.EASTUS, URI.create("https://" + id + ".example"),
                id, ChainRole.PRIMARY, pricing, spilloverTo.map(DeploymentId::of));
    }

    @Test
    void a_candidate_bills_at_its_deployments_prices_else_its_models() {
        Pricing dataZone = Pricing.perMillion("2.75", "1.375", "11.00");
        Candidate own = new Candidate(deployment("dz", Optional.of(dataZone), Optional.empty()), GPT_4O, Tier.PREMIUM, false);
        Candidate list = new Candidate(deployment("global", Optional.empty(), Optional.empty()), GPT_4O, Tier.PREMIUM, false);

        assertThat(own.pricing()).isEqualTo(dataZone);
        assertThat(list.pricing()).isSameAs(GPT_4O.pricing());
    }

    @Test
    void a_spillover_target_must_be_another_deployment_of_the_fleet() {
        Fleet.Builder ok = Fleet.builder().catalog(ExampleCatalog.create())
                .deployment(deployment("ptu", Optional.of(Pricing.FREE), Optional.of("paygo")))
                .deployment(deployment("paygo", Optional.empty(), Optional.empty()));
        assertThat(ok.build().deployment(DeploymentId.of("ptu")).orElseThrow().spilloverTo())
                .hasValue(DeploymentId.of("paygo"));

        assertThatThrownBy(() -> Fleet.builder().catalog(ExampleCatalog.create())
                .deployment(deployment("ptu", Optional.empty(), Optional.of("nowhere")))
                .deployment(deployment("self", Optional.empty(), Optional.of("self"))).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deployment 'ptu' spills over to unknown deployment 'nowhere'")
                .hasMessageContaining("deployment 'self' cannot spill over to itself");
    }
}

package dev.llmrouter.benchmarks;

import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Region;
import dev.llmrouter.domain.routing.Fleet;
import java.net.URI;

/**
 * Fleets and plans for benchmarks, built with the domain's public builders (the domain's test fixtures
 * are not on a benchmark's classpath). They mirror the shared test fixtures so that figures measured
 * here describe the same shape of fleet the tests prove things about.
 */
final class BenchFleets {

    static final Region EASTUS = Region.of("eastus", Geography.US);
    static final Region WESTEUROPE = Region.of("westeurope", Geography.EU);
    static final Region SWEDENCENTRAL = Region.of("swedencentral", Geography.EU);

    private BenchFleets() {}

    /**
     * The example catalog with each tier model deployed primary in eastus, secondary in westeurope and
     * disaster recovery in swedencentral; every other model in eastus and westeurope (20 deployments).
     */
    static Fleet exampleFleet() {
        ModelCatalog catalog = ExampleCatalog.create();
        Fleet.Builder fleet = Fleet.builder().catalog(catalog);
        for (ModelSpec model : catalog.models()) {
            String m = model.id();
            fleet.deployment(deployment(m + "-eastus", m, EASTUS, ChainRole.PRIMARY));
            fleet.deployment(deployment(m + "-westeurope", m, WESTEUROPE, ChainRole.SECONDARY));
            if (m.equals(catalog.tierModel(model.tier()).id())) {
                fleet.deployment(deployment(m + "-swedencentral", m, SWEDENCENTRAL, ChainRole.DISASTER_RECOVERY));
            }
        }
        return fleet.build();
    }

    /** Economy only, no fall-down: the plan whose premium requests are downgraded. */
    static Plan freePlan() {
        return Plan.builder("free").highestTier(Tier.ECONOMY).defaultTier(Tier.ECONOMY).fallDown(false).build();
    }

    /** Every tier, default standard, fall-down allowed. */
    static Plan enterprisePlan() {
        return Plan.builder("enterprise").highestTier(Tier.PREMIUM).defaultTier(Tier.STANDARD).fallDown(true).build();
    }

    private static Deployment deployment(String id, String model, Region region, ChainRole role) {
        return new Deployment(DeploymentId.of(id), model, region,
                URI.create("https://" + id + ".openai.azure.com"), model, role);
    }
}

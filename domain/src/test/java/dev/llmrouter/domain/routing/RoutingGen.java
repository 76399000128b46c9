package dev.llmrouter.domain.routing;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Region;
import dev.llmrouter.domain.region.Residency;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quicktheories.core.Gen;

/**
 * Generators of arbitrary plans, catalogs, fleets and constraints for the routing properties.
 *
 * <p>Regions come from a fixed pool in which a name always has the same geography (as in Azure), so a
 * generated fleet is always a valid one; everything else (how many models per tier, which is the tier
 * model, capabilities, context windows, how many deployments, their regions and roles, declaration
 * order) is arbitrary.
 */
final class RoutingGen {

    static final List<Region> REGIONS = List.of(
            Region.of("eastus", Geography.US),
            Region.of("eastus2", Geography.US),
            Region.of("westus", Geography.US),
            Region.of("westeurope", Geography.EU),
            Region.of("swedencentral", Geography.EU),
            Region.of("francecentral", Geography.EU),
            Region.of("uksouth", Geography.UK),
            Region.of("japaneast", Geography.JAPAN));

    /** Geographies of the pool plus one no deployment is ever in. */
    static final List<Geography> GEOGRAPHIES =
            List.of(Geography.US, Geography.EU, Geography.UK, Geography.JAPAN, Geography.CANADA);

    private static final int[] WINDOWS = {4_096, 8_192, 16_385, 128_000};

    private RoutingGen() {}

    /** A generated fleet together with the order its deployments were declared in. */
    record GenFleet(Fleet fleet, List<Deployment> declared) {
        int declarationIndex(Deployment d) {
            return declared.indexOf(d);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("catalog{");
            for (ModelSpec m : fleet.catalog().models()) {
                s.append(m.id()).append(m.supports(Capability.VISION) ? "(vision)" : "")
                        .append(m.supports(Capability.CHAT) ? "" : "(no-chat)")
                        .append(m.supports(Capability.TEXT_COMPLETION) ? "(text)" : "")
                        .append("/").append(m.contextWindow()).append(' ');
            }
            for (Tier t : Tier.values()) {
                if (fleet.catalog().hasTier(t)) {
                    s.append(t.id()).append("->").append(fleet.catalog().tierModel(t).id()).append(' ');
                }
            }
            s.append("} deployments");
            for (Deployment d : declared) {
                s.append(' ').append(d.id()).append('[').append(d.modelId()).append('@').append(d.region().name())
                        .append('/').append(d.role()).append(']');
            }
            return s.toString();
        }
    }

    static Gen<Tier> tiers() {
        return arbitrary().enumValues(Tier.class);
    }

    static Gen<Region> regions() {
        return arbitrary().pick(REGIONS);
    }

    /** Arbitrary plans: any highest tier, any default at or below it, fall-down on or off. */
    static Gen<Plan> plans() {
        return tiers().zip(tiers(), booleans().all(), (highest, d, fallDown) -> Fixtures.aPlan("gen")
                .highestTier(highest)
                .defaultTier(Tier.min(highest, d))
                .fallDown(fallDown)
                .build());
    }

    /** The fixture plans and arbitrary ones. */
    static Gen<Plan> anyPlan() {
        return arbitrary().pick(Fixtures.freePlan(), Fixtures.proPlan(), Fixtures.enterprisePlan()).mix(plans(), 50);
    }

    /**
     * Arbitrary catalogs: 0–3 models per tier (at least one model overall), each with or without
     * vision, serving chat, text completion or both, and one of a few context windows; each tier's model named explicitly or left to the
     * catalog's default (its first model).
     */
    static Gen<ModelCatalog> catalogs() {
        Gen<Integer> count = integers().between(0, 3);
        Gen<Boolean> coin = booleans().all();
        Gen<Integer> window = integers().between(0, WINDOWS.length - 1);
        Gen<Integer> operations = integers().between(0, 3);
        return rs -> {
            ModelCatalog.Builder b = ModelCatalog.builder();
            int total = 0;
            for (Tier tier : Tier.values()) {
                int n = count.generate(rs);
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String id = tier.id() + "-m" + i;
                    ids.add(id);
                    int w = WINDOWS[window.generate(rs)];
                    ModelSpec.Builder m = ModelSpec.builder(id).tier(tier).contextWindow(w).maxOutputTokens(Math.min(w, 4_096));
                    if (coin.generate(rs)) {
                        m.capabilities(Capability.VISION);
                    }
                    switch (operations.generate(rs)) {
                        case 0 -> m.capabilities(Capability.TEXT_COMPLETION);
                        case 1 -> m.capabilities(Capability.CHAT, Capability.TEXT_COMPLETION);
                        default -> { } // chat only, as a model naming no operation
                    }
                    b.model(m);
                    total++;
                }
                if (!ids.isEmpty() && coin.generate(rs)) {
                    b.tierModel(tier, ids.get(integers().between(0, ids.size() - 1).generate(rs)));
                }
            }
            if (total == 0) {
                b.model(ModelSpec.builder("economy-m0").tier(Tier.ECONOMY));
            }
            return b.build();
        };
    }

    /**
     * Arbitrary fleets over an arbitrary catalog: each model has 0–4 deployments, each in any region
     * of the pool with any chain role; declaration order is shuffled across models.
     */
    static Gen<GenFleet> fleets() {
        Gen<ModelCatalog> catalogs = catalogs();
        Gen<Integer> perModel = integers().between(0, 4);
        Gen<ChainRole> roles = arbitrary().enumValues(ChainRole.class);
        Gen<Region> regions = regions();
        return rs -> {
            ModelCatalog catalog = catalogs.generate(rs);
            List<Deployment> all = new ArrayList<>();
            int n = 0;
            for (ModelSpec m : catalog.models()) {
                int k = perModel.generate(rs);
                for (int i = 0; i < k; i++) {
                    all.add(Fixtures.deployment("d" + n++, m.id(), regions.generate(rs), roles.generate(rs)));
                }
            }
            // Interleave declarations of different models: order of declaration must not matter across models.
            List<Deployment> declared = new ArrayList<>();
            while (!all.isEmpty()) {
                declared.add(all.remove((int) integers().between(0, all.size() - 1).generate(rs)));
            }
            Fleet.Builder b = Fleet.builder().catalog(catalog);
            declared.forEach(b::deployment);
            return new GenFleet(b.build(), List.copyOf(declared));
        };
    }

    /** Residency: unconstrained, or any set of named regions and/or geographies (possibly matching nothing). */
    static Gen<Residency> residencies() {
        Gen<Boolean> coin = booleans().all();
        Gen<Integer> size = integers().between(0, 3);
        return rs -> {
            if (coin.generate(rs) && coin.generate(rs)) {
                return Residency.ANY;
            }
            Set<String> names = new HashSet<>();
            Set<Geography> geos = EnumSet.noneOf(Geography.class);
            int r = size.generate(rs);
            for (int i = 0; i < r; i++) {
                names.add(regions().generate(rs).name());
            }
            int g = size.generate(rs);
            for (int i = 0; i < g; i++) {
                geos.add(arbitrary().pick(GEOGRAPHIES).generate(rs));
            }
            if (names.isEmpty() && geos.isEmpty()) {
                names.add("nowhere"); // a constraint no deployment satisfies
            }
            return new Residency(names, geos);
        };
    }

    /** A preferred region: none, a region of the pool, or a name the fleet does not know. */
    static Gen<String> preferredRegions() {
        Gen<String> known = regions().map(Region::name);
        Gen<String> none = arbitrary().constant(() -> null);
        Gen<String> unknown = arbitrary().pick("centralindia", "westeurop", "brazilsouth");
        return none.mix(known, 60).mix(unknown, 20);
    }

    /** The operation of a request: mostly chat, sometimes the legacy text completion. */
    static Gen<Capability> operations() {
        return arbitrary().constant(Capability.CHAT).mix(arbitrary().constant(Capability.TEXT_COMPLETION), 30);
    }

    /** What a request names: nothing, a tier, a model of {@code catalog}, or a name nobody knows. */
    static Gen<String> requestedNames(ModelCatalog catalog) {
        List<String> names = new ArrayList<>();
        names.add(null);
        for (Tier t : Tier.values()) {
            names.add(t.id());
        }
        catalog.models().forEach(m -> names.add(m.id()));
        return arbitrary().pick(names);
    }
}

package dev.llmrouter.domain.routing;

import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.region.Region;
import dev.llmrouter.domain.routing.RoutingGen.GenFleet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.quicktheories.core.Gen;

/**
 * One generated routing situation, and an independent oracle of what the routing rules imply for it:
 * the requested and effective tier, whether it is a downgrade, and which model is chosen. The oracle
 * restates the rules of {@link RoutingPolicy} in the plainest way so that a property compares two
 * independent readings of the requirement.
 */
record RouteScenario(GenFleet generated, RouteRequest request) {

    Fleet fleet() {
        return generated.fleet();
    }

    ModelCatalog catalog() {
        return fleet().catalog();
    }

    Plan plan() {
        return request.plan();
    }

    RoutePlan route() {
        return new RoutingPolicy(fleet()).route(request);
    }

    /** The named model, when the request names one. */
    Optional<ModelSpec> namedModel() {
        String r = request.requested();
        return r == null || Tier.parse(r).isPresent() ? Optional.empty() : catalog().model(r);
    }

    Optional<Tier> requestedTier() {
        String r = request.requested();
        if (r == null) {
            return Optional.empty();
        }
        return Tier.parse(r).or(() -> catalog().model(r).map(ModelSpec::tier));
    }

    /** Requested tier capped at the plan's highest; the plan's default when none was asked for. */
    Tier effectiveTier() {
        Tier highest = plan().highestTier();
        return requestedTier().map(t -> t.ordinal() < highest.ordinal() ? highest : t).orElse(plan().defaultTier());
    }

    boolean downgraded() {
        return requestedTier().map(t -> t.ordinal() < plan().highestTier().ordinal()).orElse(false);
    }

    /** The named model unless it was above the plan, else the catalog's model for the effective tier. */
    Optional<ModelSpec> chosenModel() {
        if (namedModel().isPresent() && !downgraded()) {
            return namedModel();
        }
        Tier t = effectiveTier();
        return catalog().hasTier(t) ? Optional.of(catalog().tierModel(t)) : Optional.empty();
    }

    boolean fits(ModelSpec m) {
        return m.supports(request.operation())
                && (!request.needsVision() || m.supports(Capability.VISION))
                && request.estimatedPromptTokens() < m.contextWindow();
    }

    List<Deployment> allowedDeploymentsOf(ModelSpec m) {
        List<Deployment> out = new ArrayList<>();
        for (Deployment d : generated.declared()) {
            if (d.modelId().equals(m.id()) && request.residency().allows(d.region())) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * The models the chain should hold, in order: the chosen model, then (for a tier request) the
     * tier's other models in catalog order, then — when plan and request allow fall-down — each lower
     * tier's model and its other models; only models that fit the request and have an allowed
     * deployment.
     */
    List<ModelSpec> expectedModelOrder() {
        List<ModelSpec> order = consideredModels();
        order.removeIf(m -> !fits(m) || allowedDeploymentsOf(m).isEmpty());
        return order;
    }

    /** The models the rules put in the chain before any filter, in order (see {@link #expectedModelOrder}). */
    List<ModelSpec> consideredModels() {
        List<ModelSpec> order = new ArrayList<>();
        Optional<ModelSpec> chosen = chosenModel();
        if (chosen.isEmpty()) {
            return order;
        }
        Tier effective = effectiveTier();
        order.add(chosen.get());
        boolean named = namedModel().isPresent() && !downgraded();
        if (!named) {
            addOthers(order, chosen.get(), effective);
        }
        if (plan().fallDown() && request.allowFallDown()) {
            for (Optional<Tier> t = effective.lower(); t.isPresent(); t = t.get().lower()) {
                if (catalog().hasTier(t.get())) {
                    ModelSpec first = catalog().tierModel(t.get());
                    order.add(first);
                    addOthers(order, first, t.get());
                }
            }
        }
        return order;
    }

    private void addOthers(List<ModelSpec> order, ModelSpec first, Tier tier) {
        for (ModelSpec m : catalog().models()) {
            if (m.tier() == tier && !m.id().equals(first.id())) {
                order.add(m);
            }
        }
    }

    /** Closeness to the preferred region: 0 the region itself, 1 its geography, 2 elsewhere. */
    int regionRank(Region region) {
        String preferred = request.preferredRegion();
        if (preferred == null || region.name().equals(preferred)) {
            return 0;
        }
        Optional<Region> known = fleet().region(preferred);
        return known.isPresent() && known.get().geography() == region.geography() ? 1 : 2;
    }

    @Override
    public String toString() {
        return request + " over " + generated;
    }

    // ---- generators ------------------------------------------------------------------------------

    /** Plain chat requests (no residency, vision or prompt size) of any plan for any name of the catalog. */
    static Gen<RouteScenario> plainRequests(Gen<GenFleet> fleets) {
        Gen<Boolean> coin = booleans().all();
        return rs -> {
            GenFleet f = fleets.generate(rs);
            Plan plan = RoutingGen.anyPlan().generate(rs);
            String requested = RoutingGen.requestedNames(f.fleet().catalog()).generate(rs);
            return new RouteScenario(f, RouteRequest.of(plan, requested).withFallDown(coin.generate(rs)));
        };
    }

    /** Requests with every constraint arbitrary: residency, preferred region, operation, vision, prompt size, fall-down. */
    static Gen<RouteScenario> constrainedRequests(Gen<GenFleet> fleets) {
        Gen<Boolean> coin = booleans().all();
        Gen<Long> smallPrompt = integers().between(0, 2_000).map(Integer::longValue);
        Gen<Long> prompt = smallPrompt.mix(integers().between(0, 200_000).map(Integer::longValue), 25);
        return rs -> {
            GenFleet f = fleets.generate(rs);
            Plan plan = RoutingGen.anyPlan().generate(rs);
            String requested = RoutingGen.requestedNames(f.fleet().catalog()).generate(rs);
            RouteRequest request = new RouteRequest(
                    plan,
                    requested,
                    RoutingGen.preferredRegions().generate(rs),
                    RoutingGen.residencies().generate(rs),
                    RoutingGen.operations().generate(rs),
                    coin.generate(rs) && coin.generate(rs),
                    prompt.generate(rs),
                    coin.generate(rs));
            return new RouteScenario(f, request);
        };
    }
}

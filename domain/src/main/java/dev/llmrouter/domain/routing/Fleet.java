package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.money.Pricing;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.region.Region;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the router routes over: the model catalog, the regions, and the deployments. Built once
 * (from configuration or in code with {@link #builder()}), immutable, and indexed so that a routing
 * decision does no searching.
 */
public final class Fleet {

    private final ModelCatalog catalog;
    private final Map<String, Region> regions;
    private final Map<DeploymentId, Deployment> deployments;
    /** Deployments of each model, ordered by chain role then declaration. */
    private final Map<String, List<Deployment>> byModel;

    private Fleet(ModelCatalog catalog, Map<String, Region> regions, Map<DeploymentId, Deployment> deployments) {
        this.catalog = catalog;
        this.regions = regions;
        this.deployments = deployments;
        Map<String, List<Deployment>> index = new HashMap<>();
        for (Deployment d : deployments.values()) {
            index.computeIfAbsent(d.modelId(), k -> new ArrayList<>()).add(d);
        }
        index.replaceAll((k, v) -> {
            v.sort(Comparator.comparing(Deployment::role)); // stable: declaration order within a role
            return List.copyOf(v);
        });
        this.byModel = Map.copyOf(index);
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public Optional<Region> region(String name) {
        return Optional.ofNullable(name == null ? null : regions.get(name));
    }

    public Collection<Region> regions() {
        return regions.values();
    }

    public Optional<Deployment> deployment(DeploymentId id) {
        return Optional.ofNullable(deployments.get(id));
    }

    public Collection<Deployment> deployments() {
        return deployments.values();
    }

    /**
     * The prices of the deployment {@code deployment} spills over to, when it names one: what an
     * answer Azure spilled is billed at, so what a reservation for {@code deployment} must also hold.
     */
    public Optional<Pricing> spilloverPricing(Deployment deployment) {
        if (deployment.spilloverTo().isEmpty()) {
            return Optional.empty();
        }
        Deployment target = deployments.get(deployment.spilloverTo().get());
        if (target == null) {
            return Optional.empty();
        }
        return catalog.model(target.modelId()).map(model -> target.pricingOr(model.pricing()));
    }

    /** The deployments serving {@code modelId}, primary first. */
    public List<Deployment> deploymentsOf(String modelId) {
        return byModel.getOrDefault(modelId, List.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Assembles a fleet; {@link #build()} checks every reference and lists all problems at once. */
    public static final class Builder {
        private ModelCatalog catalog;
        private final Map<String, Region> regions = new LinkedHashMap<>();
        private final List<Deployment> deployments = new ArrayList<>();

        public Builder catalog(ModelCatalog catalog) {
            this.catalog = catalog;
            return this;
        }

        public Builder region(Region region) {
            regions.put(region.name(), region);
            return this;
        }

        public Builder deployment(Deployment deployment) {
            region(deployment.region());
            deployments.add(deployment);
            return this;
        }

        public Fleet build() {
            if (catalog == null) {
                throw new IllegalArgumentException("a fleet needs a model catalog");
            }
            List<String> problems = new ArrayList<>();
            Map<DeploymentId, Deployment> byId = new LinkedHashMap<>();
            for (Deployment d : deployments) {
                if (byId.putIfAbsent(d.id(), d) != null) {
                    problems.add("duplicate deployment id '" + d.id() + "'");
                }
                Optional<ModelSpec> model = catalog.model(d.modelId());
                if (model.isEmpty()) {
                    problems.add("deployment '" + d.id() + "' serves unknown model '" + d.modelId() + "'");
                }
            }
            for (Deployment d : deployments) {
                d.spilloverTo().ifPresent(target -> {
                    if (!byId.containsKey(target)) {
                        problems.add("deployment '" + d.id() + "' spills over to unknown deployment '" + target + "'");
                    } else if (target.equals(d.id())) {
                        problems.add("deployment '" + d.id() + "' cannot spill over to itself");
                    }
                });
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return new Fleet(catalog, Map.copyOf(regions), java.util.Collections.unmodifiableMap(byId));
        }
    }
}

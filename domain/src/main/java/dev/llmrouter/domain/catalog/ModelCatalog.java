package dev.llmrouter.domain.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The models the router knows, and which model each tier stands for.
 *
 * <p>The catalog is data: it is assembled from configuration (or in code with {@link #builder()}), and
 * nothing in the router names a model. Each tier names its <em>tier model</em> — the model a request
 * for that tier gets (premium → GPT-4 Turbo class in the example catalog).
 */
public final class ModelCatalog {

    private final Map<String, ModelSpec> models;
    private final Map<Tier, ModelSpec> tierModels;

    private ModelCatalog(Map<String, ModelSpec> models, Map<Tier, ModelSpec> tierModels) {
        this.models = models;
        this.tierModels = tierModels;
    }

    public Optional<ModelSpec> model(String id) {
        return Optional.ofNullable(id == null ? null : models.get(id));
    }

    /** The model that requests for {@code tier} get. */
    public ModelSpec tierModel(Tier tier) {
        ModelSpec spec = tierModels.get(tier);
        if (spec == null) {
            throw new IllegalStateException("catalog has no model for tier " + tier.id());
        }
        return spec;
    }

    public boolean hasTier(Tier tier) {
        return tierModels.containsKey(tier);
    }

    public Collection<ModelSpec> models() {
        return models.values();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Assembles a catalog; every tier must name a model of that tier. */
    public static final class Builder {
        private final Map<String, ModelSpec> models = new LinkedHashMap<>();
        private final Map<Tier, String> tierModels = new EnumMap<>(Tier.class);

        public Builder model(ModelSpec spec) {
            if (models.putIfAbsent(spec.id(), spec) != null) {
                throw new IllegalArgumentException("duplicate model id: " + spec.id());
            }
            return this;
        }

        public Builder model(ModelSpec.Builder spec) {
            return model(spec.build());
        }

        /** Names the model requests for {@code tier} get. */
        public Builder tierModel(Tier tier, String modelId) {
            tierModels.put(tier, Objects.requireNonNull(modelId));
            return this;
        }

        public ModelCatalog build() {
            List<String> problems = new ArrayList<>();
            Map<Tier, ModelSpec> resolved = new EnumMap<>(Tier.class);
            for (Tier tier : Tier.values()) {
                String id = tierModels.get(tier);
                if (id == null) {
                    ModelSpec first = models.values().stream().filter(m -> m.tier() == tier).findFirst().orElse(null);
                    if (first != null) {
                        resolved.put(tier, first);
                    }
                    continue;
                }
                ModelSpec spec = models.get(id);
                if (spec == null) {
                    problems.add("tier " + tier.id() + " names unknown model '" + id + "'");
                } else if (spec.tier() != tier) {
                    problems.add("tier " + tier.id() + " names model '" + id + "' of tier " + spec.tier().id());
                } else {
                    resolved.put(tier, spec);
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return new ModelCatalog(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models)), Map.copyOf(resolved));
        }
    }
}

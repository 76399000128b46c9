package dev.llmrouter.domain.balance;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.routing.Candidate;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which {@link Strategy} each group is balanced with, and each deployment's weight. The strategy of a
 * group is its model's when configured, else its tier's, else the default ({@link Strategy#BALANCED}).
 * A deployment's weight is 1 unless configured (equal shares); 0 makes it a standby within its group.
 */
public final class BalancingSettings {

    public static final int DEFAULT_WEIGHT = 1;
    public static final BalancingSettings DEFAULTS = new BalancingSettings(Strategy.BALANCED, Map.of(), Map.of(), Map.of());

    private final Strategy defaultStrategy;
    private final Map<String, Strategy> byModel;
    private final EnumMap<Tier, Strategy> byTier = new EnumMap<>(Tier.class);
    private final Map<DeploymentId, Integer> weights;

    public BalancingSettings(Strategy defaultStrategy, Map<Tier, Strategy> byTier, Map<String, Strategy> byModel,
            Map<DeploymentId, Integer> weights) {
        this.defaultStrategy = Objects.requireNonNull(defaultStrategy, "defaultStrategy");
        this.byTier.putAll(byTier);
        this.byModel = Map.copyOf(byModel);
        weights.forEach((id, w) -> {
            if (w < 0) {
                throw new IllegalArgumentException("weight of " + id + " cannot be negative: " + w);
            }
        });
        this.weights = new HashMap<>(weights);
    }

    public Strategy defaultStrategy() {
        return defaultStrategy;
    }

    public Strategy strategyOf(Candidate candidate) {
        Strategy s = byModel.isEmpty() ? null : byModel.get(candidate.model().id());
        if (s != null) {
            return s;
        }
        s = byTier.get(candidate.tier());
        return s != null ? s : defaultStrategy;
    }

    public int weightOf(DeploymentId id) {
        return weights.getOrDefault(id, DEFAULT_WEIGHT);
    }

    public BalancingSettings withWeight(DeploymentId id, int weight) {
        Map<DeploymentId, Integer> w = new HashMap<>(weights);
        w.put(id, weight);
        return new BalancingSettings(defaultStrategy, byTier, byModel, w);
    }

    public BalancingSettings withDefaultStrategy(Strategy strategy) {
        return new BalancingSettings(strategy, byTier, byModel, weights);
    }
}

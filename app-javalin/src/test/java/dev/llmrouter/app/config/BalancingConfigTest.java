package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.balance.Strategy;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Candidate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4 (load balancing), configured: deployment weights and the {@code balancing:} section
 * (default strategy, per tier, per model) are read into the router's settings, and a bad weight, an
 * unknown strategy, tier or model is a problem at its path.
 */
@DisplayName("Requirement 1.4 — balancing settings in the configuration")
class BalancingConfigTest {

    private static final String FLEET = """
            regions: [ { name: eastus, geography: us }, { name: eastus2, geography: us } ]
            catalog:
              models:
                - { id: gpt-4o, tier: premium, context-window: 128000, max-output-tokens: 16384, encoding: o200k_base,
                    price: { input: "2.50", output: "10.00" } }
                - { id: gpt-4o-mini, tier: economy, context-window: 128000, max-output-tokens: 16384, encoding: o200k_base,
                    price: { input: "0.15", output: "0.60" } }
            deployments:
              - { id: a, model: gpt-4o, region: eastus, weight: 3, simulated: {} }
              - { id: b, model: gpt-4o, region: eastus2, weight: WEIGHT_B, simulated: {} }
              - { id: c, model: gpt-4o-mini, region: eastus, simulated: {} }
            plans: [ { id: p, highest-tier: premium } ]
            """;

    private static GatewayConfig load(String yaml) {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "test.yaml");
    }

    private static List<String> problemsOf(String yaml) {
        try {
            load(yaml);
        } catch (InvalidConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    private static Candidate candidate(String model, Tier tier) {
        var spec = ExampleCatalog.create().models().iterator().next();
        return new Candidate(Fixtures.deployment("x", model, Fixtures.EASTUS, ChainRole.PRIMARY),
                new dev.llmrouter.domain.catalog.ModelSpec(model, spec.family(), tier, spec.contextWindow(),
                        spec.maxOutputTokens(), spec.encoding(), spec.capabilities(), spec.pricing()), tier, false);
    }

    @Test
    void weights_and_strategies_per_tier_and_model_are_read() {
        // given
        String yaml = FLEET.replace("WEIGHT_B", "0") + """
                balancing:
                  strategy: least-busy
                  tiers: { premium: latency }
                  models: { gpt-4o-mini: capacity }
                """;

        // when
        GatewayConfig config = load(yaml);

        // then
        assertThat(config.balancing().weightOf(DeploymentId.of("a"))).isEqualTo(3);
        assertThat(config.balancing().weightOf(DeploymentId.of("b"))).isZero();
        assertThat(config.balancing().weightOf(DeploymentId.of("c"))).isEqualTo(1);
        assertThat(config.balancing().defaultStrategy()).isEqualTo(Strategy.LEAST_BUSY);
        assertThat(config.balancing().strategyOf(candidate("gpt-4o", Tier.PREMIUM))).isEqualTo(Strategy.LATENCY);
        assertThat(config.balancing().strategyOf(candidate("gpt-4o-mini", Tier.ECONOMY))).isEqualTo(Strategy.CAPACITY);
        assertThat(config.balancing().strategyOf(candidate("other", Tier.STANDARD))).isEqualTo(Strategy.LEAST_BUSY);
    }

    @Test
    void without_a_section_every_group_is_balanced_with_equal_weights() {
        GatewayConfig config = load(FLEET.replace("WEIGHT_B", "1"));

        assertThat(config.balancing().defaultStrategy()).isEqualTo(Strategy.BALANCED);
        assertThat(config.balancing().weightOf(DeploymentId.of("b"))).isEqualTo(1);
    }

    @Test
    void bad_weights_strategies_tiers_and_models_are_reported_at_their_paths() {
        String yaml = FLEET.replace("WEIGHT_B", "-2") + """
                balancing:
                  strategy: fastest
                  tiers: { platinum: weighted, economy: random }
                  models: { gpt-5: latency }
                """;

        assertThat(problemsOf(yaml)).anySatisfy(p -> assertThat(p).startsWith("deployments[1].weight"))
                .anySatisfy(p -> assertThat(p).contains("balancing.strategy").contains("unknown strategy 'fastest'"))
                .anySatisfy(p -> assertThat(p).contains("balancing.tiers.platinum").contains("unknown tier"))
                .anySatisfy(p -> assertThat(p).contains("balancing.tiers.economy").contains("unknown strategy 'random'"))
                .anySatisfy(p -> assertThat(p).contains("balancing.models.gpt-5").contains("unknown model"));
    }
}

package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.money.Pricing;
import dev.llmrouter.domain.money.TokenPrice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 8.4 and 8.5, configured: a model's price list has cached-input and cache-write prices
 * (each defaulting to the input price), a deployment may override any of its model's prices and name
 * its spillover target; a cached price above the input price, a finer-than-exact price or an unknown
 * spillover target is a problem at its path.
 */
@DisplayName("Requirements 8.4/8.5 — token-kind prices and per-deployment prices in the configuration")
class PricingConfigTest {

    private static final String FLEET = """
            regions: [ { name: eastus, geography: us } ]
            catalog:
              models:
                - { id: gpt-4o, tier: premium, context-window: 128000, max-output-tokens: 16384, encoding: o200k_base,
                    price: MODEL_PRICE }
            deployments:
              - { id: ptu, model: gpt-4o, region: eastus, simulated: {}, DEPLOYMENT_EXTRA }
              - { id: paygo, model: gpt-4o, region: eastus, role: secondary, simulated: {} }
            plans: [ { id: p, highest-tier: premium } ]
            """;

    private static String fleet(String modelPrice, String deploymentExtra) {
        return FLEET.replace("MODEL_PRICE", modelPrice).replace(", DEPLOYMENT_EXTRA", deploymentExtra);
    }

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

    private static Deployment deployment(GatewayConfig config, String id) {
        return config.fleet().deployment(DeploymentId.of(id)).orElseThrow();
    }

    @Test
    void a_models_cached_input_and_cache_write_prices_are_read_and_default_to_the_input_price() {
        GatewayConfig config = load(fleet("{ input: \"2.50\", cached-input: \"1.25\", cache-write: \"3.125\", output: \"10.00\" }", ""));
        assertThat(config.fleet().catalog().model("gpt-4o").orElseThrow().pricing()).isEqualTo(new Pricing(
                TokenPrice.perMillion("2.50"), TokenPrice.perMillion("10.00"), TokenPrice.perMillion("1.25"),
                TokenPrice.perMillion("3.125")));

        GatewayConfig plain = load(fleet("{ per: 1K, input: \"0.0025\", output: \"0.01\" }", ""));
        assertThat(plain.fleet().catalog().model("gpt-4o").orElseThrow().pricing())
                .isEqualTo(Pricing.perMillion("2.50", "10.00"))
                .satisfies(p -> assertThat(p.cachedInput()).isEqualTo(p.input()))
                .satisfies(p -> assertThat(p.cacheWrite()).isEqualTo(p.input()));
    }

    @Test
    void a_deployment_overrides_the_kinds_it_names_and_keeps_its_models_others() {
        GatewayConfig config = load(fleet("{ input: \"2.50\", cached-input: \"1.25\", output: \"10.00\" }",
                ", price: { input: \"2.75\", output: \"11.00\" }, spillover-to: paygo"));

        Deployment ptu = deployment(config, "ptu");
        assertThat(ptu.pricing()).hasValue(new Pricing(TokenPrice.perMillion("2.75"), TokenPrice.perMillion("11.00"),
                TokenPrice.perMillion("1.25"), TokenPrice.perMillion("2.50")));
        assertThat(ptu.spilloverTo()).hasValue(DeploymentId.of("paygo"));
        assertThat(deployment(config, "paygo").pricing()).isEmpty();
        assertThat(deployment(config, "paygo").spilloverTo()).isEmpty();
    }

    @Test
    void a_provisioned_deployment_may_be_free_per_token() {
        GatewayConfig config = load(fleet("{ input: \"2.50\", cached-input: \"1.25\", output: \"10.00\" }",
                ", price: { input: \"0\", cached-input: \"0\", cache-write: \"0\", output: \"0\" }"));
        assertThat(deployment(config, "ptu").pricing()).hasValue(Pricing.FREE);
    }

    @Test
    void a_cached_price_above_the_input_price_is_refused_at_its_path() {
        assertThat(problemsOf(fleet("{ input: \"2.50\", cached-input: \"2.60\", output: \"10.00\" }", "")))
                .singleElement().asString()
                .startsWith("catalog.models[0].price.cached-input: cannot exceed the input price ($2.5 per 1M tokens)");
        // an override lowering the input under the model's cached price must lower the cached price too
        assertThat(problemsOf(fleet("{ input: \"2.50\", cached-input: \"1.25\", output: \"10.00\" }",
                ", price: { input: \"1.00\" }")))
                .singleElement().asString().startsWith("deployments[0].price.cached-input: cannot exceed the input price");
    }

    @Test
    void bad_prices_and_spillover_targets_are_problems_at_their_paths() {
        assertThat(problemsOf(fleet("{ input: \"2.50\", cache-write: \"0.0001\", output: \"10.00\" }", "")))
                .singleElement().asString().startsWith("catalog.models[0].price.cache-write: price $0.0001 per 1M tokens "
                        + "is not a whole number of nano-dollars per token");
        assertThat(problemsOf(fleet("{ input: \"2.50\", output: \"10.00\" }", ", price: { per: 1G }, spillover-to: nowhere")))
                .containsExactlyInAnyOrder("deployments[0].price.per: must be 1M or 1K (dollars per million or per "
                        + "thousand tokens), got '1G'", "deployments[0].spillover-to: unknown deployment 'nowhere'");
        assertThat(problemsOf(fleet("{ input: \"2.50\", output: \"10.00\" }", ", price: { output: \"-1\" }")))
                .singleElement().asString().startsWith("deployments[0].price.output: ");
        assertThat(problemsOf(fleet("{ input: \"2.50\", output: \"10.00\" }", ", spillover-to: ptu")))
                .containsExactly("deployments[0].spillover-to: a deployment cannot spill over to itself");
    }

    @Test
    void an_unknown_price_key_is_reported() {
        assertThat(problemsOf(fleet("{ input: \"2.50\", output: \"10.00\", cached: \"1\" }", "")))
                .singleElement().asString().startsWith("catalog.models[0].price.cached");
    }
}

package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.app.DemoKeys;
import dev.llmrouter.app.sim.SimulationProfile;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.region.Geography;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 3.5 (and 1.1): the embedded default is data, and it is the example catalog, plans and a simulated fleet. */
@DisplayName("Requirement 3.5 — the embedded default configuration")
class EmbeddedDefaultConfigTest {

    private final GatewayConfig config = new ConfigLoader(Map.<String, String>of()::get).loadEmbeddedDefault();

    @Test
    void its_catalog_is_the_example_catalog_model_for_model_and_price_for_price() {
        ModelCatalog expected = ExampleCatalog.create();
        ModelCatalog actual = config.fleet().catalog();

        assertThat(actual.models()).containsExactlyElementsOf(expected.models());
        for (Tier tier : Tier.values()) {
            assertThat(actual.tierModel(tier)).isEqualTo(expected.tierModel(tier));
        }
    }

    @Test
    void every_tier_model_has_a_primary_in_the_us_and_a_fallback_in_the_eu() {
        for (Tier tier : Tier.values()) {
            ModelSpec model = config.fleet().catalog().tierModel(tier);
            var deployments = config.fleet().deploymentsOf(model.id());
            assertThat(deployments).first().satisfies(d -> {
                assertThat(d.role()).isEqualTo(ChainRole.PRIMARY);
                assertThat(d.region().geography()).isEqualTo(Geography.US);
            });
            assertThat(deployments).extracting(d -> d.region().geography()).contains(Geography.EU);
            assertThat(deployments).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void every_deployment_is_simulated_and_one_primary_injects_every_kind_of_fault() {
        assertThat(config.fullySimulated()).isTrue();
        var faulty = config.fleet().deployments().stream()
                .filter(d -> ((DeploymentSettings.Simulated) config.connection(d.id())).profile().failureRate() > 0)
                .toList();
        assertThat(faulty).extracting(Deployment::role).containsOnly(ChainRole.PRIMARY);
        SimulationProfile p = ((DeploymentSettings.Simulated) config.connection(faulty.get(0).id())).profile();
        assertThat(p.failureRate()).isPositive();
        assertThat(p.throttleRate()).isPositive();
        assertThat(p.slowRate()).isPositive();
        assertThat(p.retryAfter()).isPositive();
    }

    @Test
    void three_plans_free_is_economy_only_with_small_limits() {
        assertThat(config.plans()).containsOnlyKeys("free", "pro", "enterprise");
        var free = config.plan("free");
        assertThat(free.highestTier()).isEqualTo(Tier.ECONOMY);
        assertThat(free.quota().costPerMonth()).hasValueSatisfying(c -> assertThat(c).isLessThanOrEqualTo(Money.ofUsd("5")));
        assertThat(free.rateLimits().limitsRequests()).isTrue();
        assertThat(config.plan("enterprise").highestTier()).isEqualTo(Tier.PREMIUM);
        assertThat(config.plan("enterprise").quota().isUnlimited()).isTrue();
    }

    @Test
    void demo_accounts_are_stored_as_hashes_of_the_printed_demo_keys() {
        Map<String, AccountSpec> accounts = config.accounts().stream()
                .collect(Collectors.toMap(AccountSpec::id, a -> a));
        assertThat(accounts).containsOnlyKeys("demo-enterprise", "demo-free", "demo-admin");
        assertThat(accounts.get("demo-enterprise").planId()).isEqualTo("enterprise");
        assertThat(accounts.get("demo-free").planId()).isEqualTo("free");
        assertThat(accounts.get("demo-admin").operator()).isTrue();
        assertThat(accounts.get("demo-enterprise").operator()).isFalse();
        DemoKeys.byAccount().forEach((account, key) ->
                assertThat(accounts.get(account).keyHashes()).containsExactly(KeyHasher.hash(key)));
    }

    @Test
    void the_file_holds_no_plain_demo_key() throws Exception {
        String text;
        try (var in = ConfigLoader.class.getResourceAsStream(ConfigLoader.EMBEDDED_DEFAULT)) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        // The demo keys are named like their accounts: the only place a key's text may appear is as the
        // account's id; what authenticates is the hash.
        String withoutIds = text.replaceAll("(?m)^\\s*- id: \\S+$", "");
        assertThat(Set.copyOf(DemoKeys.byAccount().values())).allSatisfy(key -> assertThat(withoutIds).doesNotContain(key));
        assertThat(text).contains("- id: demo-enterprise");
    }

    @Test
    void port_comes_from_the_environment_when_set() {
        GatewayConfig onOtherPort = new ConfigLoader(Map.of("LLM_ROUTER_PORT", "9123")::get).loadEmbeddedDefault();

        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(onOtherPort.server().port()).isEqualTo(9123);
    }

    @Test
    void breaker_defaults_apply_to_every_deployment() {
        assertThat(config.breakers()).hasSize(config.fleet().deployments().size());
        assertThat(config.breakerDefaults().openDuration()).hasSeconds(15);
        assertThat(config.breakerDefaults().toBreakerConfig()).isEqualTo(dev.llmrouter.domain.breaker.BreakerConfig.defaults()
                .withOpenDuration(java.time.Duration.ofSeconds(15)).withMaxOpenDuration(java.time.Duration.ofMinutes(2))
                .withHalfOpenProbes(2));
    }

    @Test
    void the_built_in_breaker_defaults_are_the_domain_defaults() {
        assertThat(BreakerSettings.DEFAULTS.toBreakerConfig()).isEqualTo(dev.llmrouter.domain.breaker.BreakerConfig.defaults());
    }
}

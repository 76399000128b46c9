package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenPrice;
import dev.llmrouter.domain.region.Geography;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 2.1: the example of a real fleet parses, with keys from the environment and Entra ID per deployment. */
@DisplayName("Requirement 2.1 — config/azure-fleet.example.yaml")
public class AzureFleetExampleConfigTest {

    public static final Path EXAMPLE = Path.of("..", "config", "azure-fleet.example.yaml");

    public static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_OPENAI_KEY_WESTEUROPE", "key-weu");
        env.put("AZURE_OPENAI_KEY_EASTUS2", "key-eus2");
        env.put("AZURE_OPENAI_KEY_UKSOUTH", "key-uks");
        env.put("AZURE_CLIENT_ID", "00000000-1111-2222-3333-444444444444");
        env.put("AZURE_OPENAI_SWEDEN_ENDPOINT", "https://acme-sweden.openai.azure.com");
        env.put("LLM_ROUTER_TEAM_SEARCH_KEY_HASH", KeyHasher.hash("search-key"));
        env.put("LLM_ROUTER_TEAM_SUPPORT_KEY_HASH", KeyHasher.hash("support-key"));
        env.put("LLM_ROUTER_OPS_KEY_HASH", KeyHasher.hash("ops-key"));
        return env;
    }

    @Test
    void given_its_variables_it_parses_into_a_fleet_over_three_geographies() {
        GatewayConfig config = new ConfigLoader(env()::get).load(EXAMPLE);

        assertThat(config.fleet().deployments()).hasSize(8);
        assertThat(config.fleet().regions()).extracting(r -> r.geography())
                .contains(Geography.US, Geography.EU, Geography.UK);
        assertThat(config.fullySimulated()).isFalse();
        assertThat(config.fleet().catalog().model("gpt-4o-mini").orElseThrow().pricing().input())
                .isEqualTo(TokenPrice.perMillion("0.15"));
        assertThat(config.plan("free").quota().costPerMonth()).contains(Money.ofUsd("5"));
    }

    @Test
    void auth_is_chosen_per_deployment_and_keys_come_from_the_environment() {
        GatewayConfig config = new ConfigLoader(env()::get).load(EXAMPLE);

        assertThat(config.connection(DeploymentId.of("gpt-4o-eastus")))
                .isEqualTo(new DeploymentSettings.Azure("2024-10-21", new AzureAuth.EntraId(Optional.empty())));
        assertThat(config.connection(DeploymentId.of("gpt-4o-swedencentral")))
                .isEqualTo(new DeploymentSettings.Azure(ConfigLoader.DEFAULT_API_VERSION,
                        new AzureAuth.EntraId(Optional.of("00000000-1111-2222-3333-444444444444"))));
        assertThat(config.connection(DeploymentId.of("gpt-4o-westeurope")))
                .isEqualTo(new DeploymentSettings.Azure(ConfigLoader.DEFAULT_API_VERSION,
                        new AzureAuth.ApiKey("AZURE_OPENAI_KEY_WESTEUROPE", new Secret("key-weu"))));
        assertThat(config.connection(DeploymentId.of("gpt-4o-westeurope")).toString()).doesNotContain("key-weu");
    }

    @Test
    void endpoints_take_the_variable_or_the_default() {
        GatewayConfig config = new ConfigLoader(env()::get).load(EXAMPLE);

        assertThat(config.fleet().deployment(DeploymentId.of("gpt-4o-swedencentral")).orElseThrow().endpoint())
                .isEqualTo(URI.create("https://acme-sweden.openai.azure.com"));
        assertThat(config.fleet().deployment(DeploymentId.of("gpt-4o-eastus")).orElseThrow().endpoint())
                .isEqualTo(URI.create("https://contoso-eastus.openai.azure.com"));
        assertThat(config.fleet().deployment(DeploymentId.of("gpt-4o-eastus")).orElseThrow().azureDeploymentName())
                .isEqualTo("gpt-4o-2024-11-20");
    }

    @Test
    void breaker_overrides_merge_over_the_defaults_and_retry_settings_are_read() {
        GatewayConfig config = new ConfigLoader(env()::get).load(EXAMPLE);

        BreakerSettings dr = config.breaker(DeploymentId.of("gpt-4o-westeurope"));
        assertThat(dr.openDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(dr.slowCallThreshold()).contains(Duration.ofSeconds(30));
        assertThat(config.breaker(DeploymentId.of("gpt-4o-eastus")).openDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.retry().sameDeploymentRetries()).isEqualTo(1); // attempts-per-deployment: 2
        assertThat(config.retry().backoffMin()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void without_its_variables_every_missing_one_is_reported() throws Exception {
        String text = Files.readString(EXAMPLE);

        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get).parse(text, "example"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .anyMatch(p -> p.contains("environment variable AZURE_CLIENT_ID is not set"))
                        .anyMatch(p -> p.contains("environment variable LLM_ROUTER_OPS_KEY_HASH is not set"))
                        .contains("deployments[2].auth.api-key-env: environment variable AZURE_OPENAI_KEY_WESTEUROPE is not set")
                        .contains("deployments[3].auth.api-key-env: environment variable AZURE_OPENAI_KEY_EASTUS2 is not set"));
    }
}

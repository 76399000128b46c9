package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2, configured (Azure's v1 path, outgoing): a deployment's {@code api} says whether its chat
 * and completions are called on Azure's classic path or its v1 path; absent it is {@code classic}, and an
 * unknown value is a problem at its path.
 */
@DisplayName("Requirement 8.2 — a deployment's api: classic | v1")
class DeploymentApiConfigTest {

    private static final String FLEET = """
            regions: [ { name: eastus, geography: us } ]
            catalog:
              models:
                - { id: gpt-4o, tier: premium, context-window: 128000, max-output-tokens: 16384, encoding: o200k_base,
                    price: { input: "2.50", output: "10.00" } }
            deployments:
              - { id: a, model: gpt-4o, region: eastus, endpoint: "https://a.openai.azure.com", API_A
                  auth: { api-key-env: KEY } }
              - { id: b, model: gpt-4o, region: eastus, endpoint: "https://b.openai.azure.com",
                  auth: { api-key-env: KEY } }
            plans: [ { id: p, highest-tier: premium } ]
            """;

    private static GatewayConfig load(String yaml) {
        return new ConfigLoader(Map.of("KEY", "k-0123456789abcdef")::get).parse(yaml, "test.yaml");
    }

    @Test
    void v1_is_read_and_classic_is_the_default() {
        GatewayConfig config = load(FLEET.replace("API_A", "api: v1,"));

        assertThat(((DeploymentSettings.Azure) config.connection(DeploymentId.of("a"))).api())
                .isEqualTo(DeploymentSettings.Api.V1);
        assertThat(((DeploymentSettings.Azure) config.connection(DeploymentId.of("b"))).api())
                .isEqualTo(DeploymentSettings.Api.CLASSIC);
    }

    @Test
    void an_unknown_api_is_a_problem_at_its_path() {
        List<String> problems;
        try {
            load(FLEET.replace("API_A", "api: v2,"));
            throw new AssertionError("expected the configuration to be refused");
        } catch (InvalidConfigException e) {
            problems = e.problems().stream().map(ConfigProblem::toString).toList();
        }

        assertThat(problems).anySatisfy(p -> assertThat(p).contains("deployments[0].api").contains("classic or v1"));
    }
}

package dev.llmrouter.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.config.KeyHasher;
import dev.llmrouter.app.sim.Pacer;
import dev.llmrouter.adapters.azure.ChatBodyReader;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 2.1 and 1.4 through the wiring: a configured real deployment is called through the
 * Azure adapter (here against WireMock on loopback) with the key named by its environment variable,
 * and a fleet may mix it with simulated deployments, falling back from one to the other.
 */
@DisplayName("Requirements 2.1, 1.4 — a configured Azure deployment beside a simulated one")
class MixedFleetWiringTest {

    private static final String AZURE_ANSWER = """
            {"id":"chatcmpl-azure","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
             "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"from azure"}}],
             "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}""";

    private final WireMockServer azure = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    private Gateway gateway;

    @BeforeEach
    void start() {
        azure.start();
        String yaml = """
                regions: [ { name: eastus, geography: us }, { name: westeurope, geography: eu } ]
                catalog:
                  models:
                    - { id: gpt-4o-mini, tier: economy, context-window: 128000, max-output-tokens: 16384,
                        encoding: o200k_base, price: { input: "0.15", output: "0.60" } }
                deployments:
                  - { id: azure-eastus, model: gpt-4o-mini, region: eastus, role: primary,
                      endpoint: "${AZURE_URL}", azure-deployment: mini, api-version: 2024-10-21,
                      auth: { api-key-env: TEST_AZURE_KEY } }
                  - { id: sim-westeurope, model: gpt-4o-mini, region: westeurope, role: secondary,
                      simulated: { latency: 0ms, chunk-delay: 0ms } }
                plans: [ { id: p, highest-tier: economy } ]
                accounts: [ { id: acme, plan: p, key-hashes: [ "%s" ] } ]
                retry: { attempts-per-deployment: 1 }
                """.formatted(KeyHasher.hash("k"));
        GatewayConfig config = new ConfigLoader(Map.of("AZURE_URL", azure.baseUrl(), "TEST_AZURE_KEY", "azure-secret")::get)
                .parse(yaml, "mixed");
        gateway = Gateway.build(config, Gateway.Options.defaults().withPacer(Pacer.NONE));
    }

    @AfterEach
    void stop() {
        gateway.stop();
        azure.stop();
    }

    private ChatOutcome chat() {
        Caller caller = new Caller("acme", gateway.config().plan("p"), "", "");
        return gateway.router().complete(ChatCommand.of(caller, null,
                new ChatBodyReader(1 << 20).request(ChatOperation.CHAT,
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void the_real_deployment_is_called_through_the_adapter_with_its_key_and_api_version() {
        azure.stubFor(post(urlPathEqualTo("/openai/deployments/mini/chat/completions"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(AZURE_ANSWER)));

        ChatOutcome outcome = chat();

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, served -> {
            assertThat(served.route().deployment().id().value()).isEqualTo("azure-eastus");
            assertThat(new String(served.reply().orElseThrow().body())).contains("from azure");
            assertThat(served.usage().totalTokens()).isEqualTo(15);
        });
        azure.verify(postRequestedFor(urlPathEqualTo("/openai/deployments/mini/chat/completions"))
                .withHeader("api-key", equalTo("azure-secret"))
                .withQueryParam("api-version", equalTo("2024-10-21")));
    }

    @Test
    void the_azure_fleet_example_builds_into_a_gateway_with_every_deployment_on_the_adapter() {
        GatewayConfig example = new ConfigLoader(dev.llmrouter.app.config.AzureFleetExampleConfigTest.env()::get)
                .load(dev.llmrouter.app.config.AzureFleetExampleConfigTest.EXAMPLE);

        try (Gateway built = Gateway.build(example, Gateway.Options.defaults())) {
            example.fleet().deployments().forEach(d -> assertThat(built.endpoint().endpointOf(d.id()))
                    .isInstanceOf(dev.llmrouter.adapters.azure.AzureOpenAiEndpoint.class));
            assertThat(built.deploymentStatus().deployments()).hasSize(8);
        }
    }

    @Test
    void a_failing_real_primary_falls_back_to_the_simulated_secondary() {
        azure.stubFor(post(urlPathEqualTo("/openai/deployments/mini/chat/completions"))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"busy\"}}")));

        ChatOutcome outcome = chat();

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, served -> {
            assertThat(served.route().deployment().id().value()).isEqualTo("sim-westeurope");
            assertThat(served.attempts()).hasSize(2);
            assertThat(served.attempts().get(0).deployment().value()).isEqualTo("azure-eastus");
        });
    }
}

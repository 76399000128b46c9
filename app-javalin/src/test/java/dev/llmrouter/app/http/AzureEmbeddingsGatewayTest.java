package dev.llmrouter.app.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.llmrouter.adapters.azure.AzureDeploymentSettings;
import dev.llmrouter.adapters.azure.AzureOpenAiEndpoint;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.ports.usage.UsageReporter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.1 across the whole stack: the official openai-java client (Azure v1 mode) calls the
 * gateway, the real router calls WireMock deployments answering embeddings as Azure does through the
 * real Azure adapter (the SDK's embeddings protocol method, the classic path with its
 * {@code api-version}). A 429 or a 500 from the primary falls back to the secondary with one usage
 * record priced at the embedding model's input price; {@code dimensions} and {@code encoding_format}
 * reach the deployment as sent and no output cap is added; a 400 from Azure comes back as Azure sent
 * it, without fallback.
 */
@DisplayName("Requirement 8.1: embeddings through the gateway, router and Azure adapter over WireMock deployments")
class AzureEmbeddingsGatewayTest {

    static final String UPSTREAM_KEY = "upstream-key-0123456789";
    static final String PRIMARY = "/openai/deployments/embed-a/embeddings";
    static final String SECONDARY = "/openai/deployments/embed-b/embeddings";
    static final String MODEL = "text-embedding-3-small";
    /** Azure's answer: floats as the deployment wrote them, usage with prompt and total tokens only. */
    static final String ANSWER = """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5,0.125,0.0]},\
            {"object":"embedding","index":1,"embedding":[0.5,0.25,-0.125,1.0]}],\
            "model":"text-embedding-3-small","usage":{"prompt_tokens":9,"total_tokens":9}}""";

    WireMockServer wm;
    TestGateway gateway;
    InMemoryUsageLedger ledger;
    OpenAIClient client;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        URI base = URI.create(wm.baseUrl());
        Deployment a = new Deployment(DeploymentId.of("embed-eastus"), MODEL, Fixtures.EASTUS, base, "embed-a", ChainRole.PRIMARY);
        Deployment b = new Deployment(DeploymentId.of("embed-westeurope"), MODEL, Fixtures.WESTEUROPE, base, "embed-b",
                ChainRole.SECONDARY);
        Fleet fleet = Fleet.builder().catalog(ExampleCatalog.create()).deployment(a).deployment(b).build();
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(List.of(
                AzureDeploymentSettings.apiKey(a, UPSTREAM_KEY), AzureDeploymentSettings.apiKey(b, UPSTREAM_KEY)));
        ledger = new InMemoryUsageLedger();
        Router router = Router.builder().fleet(fleet).endpoint(endpoint).ledger(ledger)
                .retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0)).build();
        gateway = TestGateway.with(router, new UsageReporter(ledger), router, fleet, 1 << 20, InstantSource.system());
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.base() + "/openai/v1/").azureUrlPathMode(AzureUrlPathMode.UNIFIED)
                .credential(AzureApiKeyCredential.create(ENTERPRISE_KEY)).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        wm.stop();
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Test
    void a_throttled_primary_falls_back_and_one_record_is_priced_per_input_token() {
        fallsBackFrom(json(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the Embeddings_Create Operation "
                + "have exceeded the rate limit.\"}}").withHeader("Retry-After", "3"));
    }

    @Test
    void a_failing_primary_falls_back_and_one_record_is_priced_per_input_token() {
        fallsBackFrom(json(500, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The server had an error.\"}}"));
    }

    private void fallsBackFrom(ResponseDefinitionBuilder failure) {
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(failure));
        wm.stubFor(post(urlPathEqualTo(SECONDARY)).willReturn(json(200, ANSWER)));

        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder().model(MODEL)
                .inputOfArrayOfStrings(List.of("first", "second")).dimensions(4)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(0).embedding()).containsExactly(0.25f, -0.5f, 0.125f, 0.0f);
        assertThat(response.usage().promptTokens()).isEqualTo(9);
        wm.verify(1, postRequestedFor(urlPathEqualTo(PRIMARY)));
        wm.verify(postRequestedFor(urlPathEqualTo(SECONDARY))
                .withQueryParam("api-version", equalTo(AzureDeploymentSettings.DEFAULT_API_VERSION))
                .withHeader("api-key", equalTo(UPSTREAM_KEY))
                .withRequestBody(matchingJsonPath("$.dimensions", equalTo("4")))
                .withRequestBody(matchingJsonPath("$.encoding_format", equalTo("float")))
                .withRequestBody(matchingJsonPath("$.input[1]", equalTo("second")))
                .withRequestBody(notContaining("max_tokens"))
                .withRequestBody(notContaining("max_completion_tokens")));
        ModelSpec model = ExampleCatalog.create().model(MODEL).orElseThrow();
        assertThat(ledger.all()).singleElement().satisfies(r -> {
            assertThat(r.deployment()).isEqualTo("embed-westeurope");
            assertThat(r.model()).isEqualTo(MODEL);
            assertThat(r.tokens().inputTokens()).isEqualTo(9);
            assertThat(r.tokens().outputTokens()).isZero();
            assertThat(r.cost()).isEqualTo(model.pricing().costOf(9, 0));
            assertThat(r.path()).hasSize(2);
        });
    }

    @Test
    void the_azure_classic_route_reaches_the_deployment_and_azures_400_comes_back_without_fallback() {
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(json(200, ANSWER)));
        HttpResponse<String> ok = gateway.post("/openai/deployments/" + MODEL + "/embeddings?api-version=2024-10-21",
                "{\"input\":[[1,2,3],[4,5]]}", "api-key", ENTERPRISE_KEY, "Content-Type", "application/json");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(ANSWER);
        assertThat(ok.headers().firstValue("x-router-deployment")).hasValue("embed-eastus");
        wm.verify(postRequestedFor(urlPathEqualTo(PRIMARY)).withRequestBody(equalTo("{\"input\":[[1,2,3],[4,5]]}")));

        wm.resetAll();
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(json(400, "{\"error\":{\"code\":\"invalid_request_error\","
                + "\"message\":\"This model does not support specifying dimensions.\",\"param\":\"dimensions\",\"type\":\"invalid_request_error\"}}")));
        wm.stubFor(post(urlPathEqualTo(SECONDARY)).willReturn(json(200, ANSWER)));

        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model(MODEL).input("x")
                .dimensions(100_000).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("dimensions"));
        wm.verify(0, postRequestedFor(urlPathEqualTo(SECONDARY)));
        List<UsageRecord> records = ledger.all();
        assertThat(records).hasSize(2);
    }
}

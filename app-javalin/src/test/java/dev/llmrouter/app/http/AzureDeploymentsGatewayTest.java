package dev.llmrouter.app.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.llmrouter.adapters.azure.AzureDeploymentSettings;
import dev.llmrouter.adapters.azure.AzureOpenAiEndpoint;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
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
 * Requirements 1.4, 2.5, 3.1 and 3.3 across the whole stack: a client calls the gateway, the real
 * router calls WireMock deployments through the real Azure adapter. A 503 from the primary falls back
 * to the secondary (visible in the headers); the caller's body reaches the deployment unchanged with
 * the deployment's key, never the caller's; a content filter comes back as Azure sent it; a deployment's
 * stream reaches the official OpenAI client.
 */
@DisplayName("Requirements 1.4/2.5/3.1/3.3: gateway, router and Azure adapter over WireMock deployments")
class AzureDeploymentsGatewayTest {

    static final String UPSTREAM_KEY = "upstream-key-0123456789";
    static final String PRIMARY = "/openai/deployments/turbo-a/chat/completions";
    static final String SECONDARY = "/openai/deployments/turbo-b/chat/completions";
    static final String REPLY = """
            {"id":"chatcmpl-A1","object":"chat.completion","created":1732600000,"model":"gpt-4-turbo-2024-04-09",\
            "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello from B"}}],\
            "usage":{"prompt_tokens":19,"completion_tokens":3,"total_tokens":22}}""";

    WireMockServer wm;
    TestGateway gateway;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        URI base = URI.create(wm.baseUrl());
        Deployment a = new Deployment(DeploymentId.of("gpt-4-turbo-eastus"), "gpt-4-turbo", Fixtures.EASTUS, base, "turbo-a",
                ChainRole.PRIMARY);
        Deployment b = new Deployment(DeploymentId.of("gpt-4-turbo-westeurope"), "gpt-4-turbo", Fixtures.WESTEUROPE, base,
                "turbo-b", ChainRole.SECONDARY);
        Fleet fleet = Fleet.builder().catalog(ExampleCatalog.create()).deployment(a).deployment(b).build();
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(List.of(
                AzureDeploymentSettings.apiKey(a, UPSTREAM_KEY), AzureDeploymentSettings.apiKey(b, UPSTREAM_KEY)));
        InMemoryUsageLedger ledger = new InMemoryUsageLedger();
        Router router = Router.builder().fleet(fleet).endpoint(endpoint).ledger(ledger)
                .retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0)).build();
        gateway = TestGateway.with(router, new UsageReporter(ledger), router, fleet, 1 << 20, InstantSource.system());
    }

    @AfterEach
    void stop() {
        gateway.close();
        wm.stop();
    }

    @Test
    void a_failing_primary_falls_back_and_the_callers_body_reaches_the_deployment() {
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"busy\"}}")));
        wm.stubFor(post(urlPathEqualTo(SECONDARY)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(REPLY)));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"premium","seed":7,"x_passthrough":{"k":[1,2]},"messages":[{"role":"user","content":"Hi"}]}""",
                "Authorization", bearer(ENTERPRISE_KEY), "x-router-fall-down", "false");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ChatCompletionsApiTest.json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("Hello from B");
        assertThat(response.headers().firstValue("x-router-deployment")).hasValue("gpt-4-turbo-westeurope");
        assertThat(response.headers().firstValue("x-router-attempts")).hasValue("2");
        wm.verify(postRequestedFor(urlPathEqualTo(SECONDARY)).withHeader("api-key", equalTo(UPSTREAM_KEY))
                .withRequestBody(matchingJsonPath("$.seed", equalTo("7")))
                .withRequestBody(matchingJsonPath("$.x_passthrough.k[1]", equalTo("2"))));
        assertThat(wm.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r -> {
            assertThat(r.getHeaders().all().toString()).doesNotContain(ENTERPRISE_KEY);
            assertThat(r.getBodyAsString()).doesNotContain(ENTERPRISE_KEY);
        });
    }

    @Test
    void a_content_filter_comes_back_as_azure_sent_it_without_fallback() {
        String filtered = "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure OpenAI's "
                + "content management policy.\",\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400,"
                + "\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\",\"content_filter_result\":{\"hate\":"
                + "{\"filtered\":true,\"severity\":\"high\"}}}}}";
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(filtered)));
        wm.stubFor(post(urlPathEqualTo(SECONDARY)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(REPLY)));

        HttpResponse<String> response = gateway.post("/openai/deployments/premium/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"something hateful\"}]}", "api-key", ENTERPRISE_KEY);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(ChatCompletionsApiTest.json(response.body()).at("/error/code").asText()).isEqualTo("content_filter");
        assertThat(ChatCompletionsApiTest.json(response.body()).at("/error/innererror/code").asText())
                .isEqualTo("ResponsibleAIPolicyViolation");
        wm.verify(0, postRequestedFor(urlPathEqualTo(SECONDARY)));
    }

    @Test
    void a_deployments_stream_reaches_the_official_client() {
        String sse = "data: {\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[],"
                + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}\n\n"
                + chunk("Hel") + chunk("lo") + chunk("!")
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4-turbo\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n"
                + "data: [DONE]\n\n";
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(sse)));
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.base() + "/v1").apiKey(ENTERPRISE_KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();

        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("premium").addUserMessage("Hi").build())) {
            stream.stream().forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        } finally {
            client.close();
        }

        assertThat(text).hasToString("Hello!");
    }

    static String chunk(String content) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4-turbo\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}]}\n\n";
    }
}

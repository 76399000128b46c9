package dev.llmrouter.app.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.llmrouter.adapters.azure.AzureDeploymentSettings;
import dev.llmrouter.adapters.azure.AzureOpenAiEndpoint;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.Pricing;
import dev.llmrouter.domain.money.TokenPrice;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.ports.usage.UsageReporter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 8.4 and 8.5 across the whole stack: the official OpenAI client calls the gateway, the real
 * router calls WireMock deployments answering like Azure through the real Azure adapter, and the usage
 * records, the cost header and {@code /v1/usage} carry every token kind, priced exactly at the prices of
 * the deployment that served: a data-zone deployment's own prices (cached input, cache writes and
 * output, reasoning billed once as output), and a provisioned deployment's answer that Azure spilled
 * ({@code x-ms-spillover-from-deployment}) recorded and priced as its pay-as-you-go spillover target.
 */
@DisplayName("Requirements 8.4/8.5: every token kind priced exactly end to end, spillover recorded as served")
class TokenKindsGatewayTest {

    static final String UPSTREAM_KEY = "upstream-key-0123456789";
    static final String DATA_ZONE = "/openai/deployments/gpt-4o-dz/chat/completions";
    static final String PTU = "/openai/deployments/gpt-4o-ptu/chat/completions";
    /** Data Zone prices, per 1M: $2.75 in, $1.375 cached, $3.00 cache write, $11.00 out. */
    static final Pricing DATA_ZONE_PRICES = new Pricing(TokenPrice.perMillion("2.75"), TokenPrice.perMillion("11.00"),
            TokenPrice.perMillion("1.375"), TokenPrice.perMillion("3.00"));
    static final String USAGE = "\"usage\":{\"prompt_tokens\":2000,\"completion_tokens\":900,\"total_tokens\":2900,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":1536,\"cache_write_tokens\":64,\"audio_tokens\":0},"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":640,\"accepted_prediction_tokens\":0}}";
    static final String REPLY = "{\"id\":\"chatcmpl-K1\",\"object\":\"chat.completion\",\"created\":1732600000,"
            + "\"model\":\"gpt-4o-2024-11-20\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Cached hello\"}}]," + USAGE + "}";
    /**
     * 400 uncached × 2,750 + 1,536 cached × 1,375 + 64 written × 3,000 + 900 out × 11,000 nano-dollars
     * = 1,100,000 + 2,112,000 + 192,000 + 9,900,000: $0.013304. The 640 reasoning tokens are inside the
     * 900 output tokens and cost nothing more.
     */
    static final Money DATA_ZONE_COST = Money.ofNanos(13_304_000);

    WireMockServer wm;
    InMemoryUsageLedger ledger;
    TestGateway gateway;
    OpenAIClient client;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        URI base = URI.create(wm.baseUrl());
        Deployment dataZone = new Deployment(DeploymentId.of("gpt-4o-dz-eastus"), "gpt-4o", Fixtures.EASTUS, base,
                "gpt-4o-dz", ChainRole.PRIMARY, Optional.of(DATA_ZONE_PRICES), Optional.empty());
        // A provisioned deployment: prepaid, so free per token, spilling over to the list-priced one below.
        Deployment ptu = new Deployment(DeploymentId.of("gpt-4o-mini-ptu"), "gpt-4o-mini", Fixtures.EASTUS, base,
                "gpt-4o-ptu", ChainRole.PRIMARY, Optional.of(Pricing.FREE), Optional.of(DeploymentId.of("gpt-4o-mini-paygo")));
        Deployment paygo = new Deployment(DeploymentId.of("gpt-4o-mini-paygo"), "gpt-4o-mini", Fixtures.WESTEUROPE, base,
                "gpt-4o-mini-paygo", ChainRole.SECONDARY);
        Fleet fleet = Fleet.builder().catalog(ExampleCatalog.create())
                .deployment(dataZone).deployment(ptu).deployment(paygo).build();
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(List.of(AzureDeploymentSettings.apiKey(dataZone, UPSTREAM_KEY),
                AzureDeploymentSettings.apiKey(ptu, UPSTREAM_KEY), AzureDeploymentSettings.apiKey(paygo, UPSTREAM_KEY)));
        ledger = new InMemoryUsageLedger();
        Router router = Router.builder().fleet(fleet).endpoint(endpoint).ledger(ledger)
                .retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0)).build();
        gateway = TestGateway.with(router, new UsageReporter(ledger), router, fleet, 1 << 20, InstantSource.system());
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.base() + "/v1").apiKey(ENTERPRISE_KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        gateway.close();
        wm.stop();
    }

    @Test
    @DisplayName("Requirement 8.4: a chat answer with cached, cache-write and reasoning tokens is priced exactly at the deployment's own prices")
    void cachedAndReasoningTokensArePricedExactly() {
        // given a deployment answering with every kind of token
        wm.stubFor(post(urlPathEqualTo(DATA_ZONE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(REPLY)));

        // when the official client asks through the gateway
        ChatCompletion completion;
        String costHeader;
        try (HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hi again").build())) {
            completion = raw.parse();
            costHeader = raw.headers().values("x-router-cost-usd").get(0);
        }

        // then the caller sees Azure's usage unchanged and the exact cost
        assertThat(completion.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).hasValue(1536L);
        assertThat(costHeader).isEqualTo("0.013304");
        // and the record carries every kind, priced exactly
        UsageRecord record = onlyRecord();
        assertThat(record.tokens()).isEqualTo(new TokenUsage(2000, 900, 1536, 64, 640));
        assertThat(record.cost()).isEqualTo(DATA_ZONE_COST);
        assertThat(record.deployment()).isEqualTo("gpt-4o-dz-eastus");
        assertThat(record.spilledFrom()).isEmpty();
        // and /v1/usage reports each kind and the same cost
        JsonNode total = usageTotal();
        assertThat(total.at("/input_tokens").asLong()).isEqualTo(2000);
        assertThat(total.at("/cached_input_tokens").asLong()).isEqualTo(1536);
        assertThat(total.at("/cache_write_tokens").asLong()).isEqualTo(64);
        assertThat(total.at("/output_tokens").asLong()).isEqualTo(900);
        assertThat(total.at("/reasoning_tokens").asLong()).isEqualTo(640);
        assertThat(total.at("/total_tokens").asLong()).as("shares are not counted twice").isEqualTo(2900);
        assertThat(total.at("/cost_usd").asText()).isEqualTo("0.013304");
    }

    @Test
    @DisplayName("Requirement 8.4: a stream's usage chunk with every kind is priced as the plain answer is")
    void aStreamsUsageChunkIsPricedExactly() {
        // given a deployment streaming an answer whose usage chunk has every kind
        String sse = AzureDeploymentsGatewayTest.chunk("Cached") + AzureDeploymentsGatewayTest.chunk(" hello")
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[]," + USAGE + "}\n\n"
                + "data: [DONE]\n\n";
        wm.stubFor(post(urlPathEqualTo(DATA_ZONE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(sse)));

        // when the official client streams it through the gateway, asking for usage
        Optional<Long> reasoning;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Hi again")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            reasoning = stream.stream().flatMap(c -> c.usage().stream())
                    .flatMap(u -> u.completionTokensDetails().stream())
                    .map(d -> d.reasoningTokens().orElse(0L)).findFirst();
        }

        // then the usage chunk reached the caller, and the record is priced exactly
        assertThat(reasoning).hasValue(640L);
        UsageRecord record = onlyRecord();
        assertThat(record.tokens()).isEqualTo(new TokenUsage(2000, 900, 1536, 64, 640));
        assertThat(record.cost()).isEqualTo(DATA_ZONE_COST);
    }

    @Test
    @DisplayName("Requirement 8.5: an answer Azure spilled from a provisioned deployment is recorded and priced as the deployment that served")
    void aSpilledAnswerIsRecordedAsTheDeploymentThatServed() {
        // given a provisioned deployment whose answer Azure served from its spillover deployment
        wm.stubFor(post(urlPathEqualTo(PTU)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-ms-spillover-from-deployment", "gpt-4o-ptu")
                .withBody("{\"id\":\"chatcmpl-S1\",\"object\":\"chat.completion\",\"created\":1732600000,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"Spilled\"}}],"
                        + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":100,\"total_tokens\":1100,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":200}}}")));

        // when a caller asks through the gateway
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", bearer(ENTERPRISE_KEY));

        // then one call reached the provisioned deployment, and the answer is the pay-as-you-go one's:
        // 800 × 150 + 200 × 75 + 100 × 600 nano-dollars = $0.000195 (the provisioned prices would say $0)
        assertThat(response.statusCode()).isEqualTo(200);
        wm.verify(1, postRequestedFor(urlPathEqualTo(PTU)));
        assertThat(response.headers().firstValue("x-router-deployment")).hasValue("gpt-4o-mini-paygo");
        assertThat(response.headers().firstValue("x-router-cost-usd")).hasValue("0.000195");
        UsageRecord record = onlyRecord();
        assertThat(record.deployment()).isEqualTo("gpt-4o-mini-paygo");
        assertThat(record.region()).isEqualTo(Fixtures.WESTEUROPE.name());
        assertThat(record.spilledFrom()).isEqualTo("gpt-4o-ptu");
        assertThat(record.cost()).isEqualTo(Money.ofNanos(195_000));
        assertThat(record.path()).as("the path still says which deployment was called").containsExactly("gpt-4o-mini-ptu:SUCCESS");
    }

    @Test
    @DisplayName("Requirement 8.5: a stream Azure spilled is announced, recorded and priced as the deployment that served")
    void aSpilledStreamIsRecordedAsTheDeploymentThatServed() {
        String sse = AzureDeploymentsGatewayTest.chunk("Spilled")
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":100,\"total_tokens\":1100,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":200}}}\n\n"
                + "data: [DONE]\n\n";
        wm.stubFor(post(urlPathEqualTo(PTU)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withHeader("x-ms-spillover-from-deployment", "gpt-4o-ptu").withBody(sse)));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Spilled").endsWith("data: [DONE]\n\n");
        assertThat(response.headers().firstValue("x-router-deployment")).hasValue("gpt-4o-mini-paygo");
        UsageRecord record = onlyRecord();
        assertThat(record.deployment()).isEqualTo("gpt-4o-mini-paygo");
        assertThat(record.spilledFrom()).isEqualTo("gpt-4o-ptu");
        assertThat(record.tokens()).isEqualTo(new TokenUsage(1000, 100, 200, 0, 0));
        assertThat(record.cost()).isEqualTo(Money.ofNanos(195_000));
    }

    @Test
    @DisplayName("Requirement 8.5: without the spillover header the provisioned deployment's own prices apply")
    void anAnswerNotSpilledIsPricedAsTheProvisionedDeployment() {
        wm.stubFor(post(urlPathEqualTo(PTU)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"chatcmpl-P1\",\"object\":\"chat.completion\",\"created\":1732600000,"
                        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"Provisioned\"}}],"
                        + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":100,\"total_tokens\":1100}}")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-router-deployment")).hasValue("gpt-4o-mini-ptu");
        UsageRecord record = onlyRecord();
        assertThat(record.deployment()).isEqualTo("gpt-4o-mini-ptu");
        assertThat(record.spilledFrom()).isEmpty();
        assertThat(record.cost()).isEqualTo(Money.ZERO);
    }

    private UsageRecord onlyRecord() {
        List<UsageRecord> records = ledger.records("acct-ent", Instant.EPOCH, Instant.now().plusSeconds(60));
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private JsonNode usageTotal() {
        HttpResponse<String> usage = gateway.get("/v1/usage?from=2000-01-01", "Authorization", bearer(ENTERPRISE_KEY));
        assertThat(usage.statusCode()).isEqualTo(200);
        return ChatCompletionsApiTest.json(usage.body()).at("/total");
    }
}

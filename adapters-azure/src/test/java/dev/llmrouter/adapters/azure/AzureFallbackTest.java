package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.adapters.azure.AzureFixtures.CHAT_REPLY;
import static dev.llmrouter.adapters.azure.AzureFixtures.delta;
import static dev.llmrouter.adapters.azure.AzureFixtures.sse;
import static dev.llmrouter.adapters.azure.AzureFixtures.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmrouter.ports.fixtures.RecordingLedger;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4 end to end through the real SDK: the adapter inside the router's fallback executor.
 * A WireMock deployment answering 503 is left for the next deployment of the chain, another WireMock,
 * which serves the request. A primary whose event stream passes the bound on a line (Requirement 9.4)
 * is a broken stream like any other: left for the secondary before the first content, an interrupted
 * stream after it.
 */
@DisplayName("Requirement 1.4/2.5: a 503 from the primary falls back to the secondary through the real SDK")
class AzureFallbackTest {

    static final String PATH = "/openai/deployments/gpt-4o/chat/completions";
    /** The bound on a streamed line or event for both deployments: small, so a test's body passes it. */
    static final int MAX_EVENT_BYTES = 64 * 1024;
    static final String UNAVAILABLE = "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"The service is "
            + "temporarily unable to process your request. Please try again later.\"}}";

    WireMockServer primary;
    WireMockServer secondary;
    Router router;

    @BeforeEach
    void start() {
        primary = new WireMockServer(options().dynamicPort());
        secondary = new WireMockServer(options().dynamicPort());
        primary.start();
        secondary.start();
        Deployment eus = new Deployment(DeploymentId.of("gpt-4o-eus"), "gpt-4o", Fixtures.EASTUS,
                URI.create(primary.baseUrl()), "gpt-4o", ChainRole.PRIMARY);
        Deployment weu = new Deployment(DeploymentId.of("gpt-4o-weu"), "gpt-4o", Fixtures.WESTEUROPE,
                URI.create(secondary.baseUrl()), "gpt-4o", ChainRole.SECONDARY);
        Fleet fleet = Fleet.builder().catalog(ExampleCatalog.create()).deployment(eus).deployment(weu).build();
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(List.of(
                AzureDeploymentSettings.apiKey(eus, "key-eus").withMaxStreamEventBytes(MAX_EVENT_BYTES),
                AzureDeploymentSettings.apiKey(weu, "key-weu").withMaxStreamEventBytes(MAX_EVENT_BYTES)));
        router = Router.builder()
                .fleet(fleet)
                .endpoint(endpoint)
                .estimator(new TokenizerEstimator())
                .retry(RetrySettings.defaults().withoutBackoff())
                .clock(InstantSource.system())
                .ledger(new RecordingLedger())
                .build();
    }

    @AfterEach
    void stop() {
        primary.stop();
        secondary.stop();
    }

    static ChatCommand command(ChatRequest request) {
        Plan plan = Plan.builder("enterprise").highestTier(Tier.PREMIUM).build();
        return ChatCommand.of(new Caller("acct-42", plan, "alice", "summarize"), "gpt-4o", request);
    }

    @Test
    void a_503_primary_falls_back_to_the_secondary() {
        // given
        primary.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody(UNAVAILABLE)));
        secondary.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(CHAT_REPLY)));

        // when
        ChatOutcome outcome = router.complete(command(
                AzureFixtures.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"seed\":3}")));

        // then
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, served -> {
            assertThat(served.route().deployment().id().value()).isEqualTo("gpt-4o-weu");
            assertThat(new String(served.reply().orElseThrow().body(), StandardCharsets.UTF_8)).isEqualTo(CHAT_REPLY);
            assertThat(served.usage()).isEqualTo(new TokenUsage(19, 3));
            List<Attempt> attempts = served.attempts();
            assertThat(attempts.get(attempts.size() - 1).outcome()).isEqualTo(Attempt.Outcome.SUCCESS);
            assertThat(attempts.subList(0, attempts.size() - 1)).isNotEmpty().allSatisfy(a -> {
                assertThat(a.deployment().value()).isEqualTo("gpt-4o-eus");
                assertThat(a.failure().orElseThrow().kind()).isEqualTo(FailureKind.SERVER_ERROR);
                assertThat(a.failure().orElseThrow().status()).isEqualTo(503);
            });
        });
        assertThat(primary.findAll(postRequestedFor(urlPathEqualTo(PATH)))).isNotEmpty();
        secondary.verify(1, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void a_503_before_the_first_token_falls_back_for_streams_too() {
        primary.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(503).withBody(UNAVAILABLE)));
        secondary.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(sse(delta("Hel"), delta("lo"), usageChunk(9, 2), "[DONE]"))));
        List<StreamChunk> received = new ArrayList<>();
        List<RouteInfo> started = new ArrayList<>();

        ChatOutcome outcome = router.stream(command(AzureFixtures.chat(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").streaming(false)), new StreamListener() {
            @Override
            public void onStart(RouteInfo route, RateLimitStatus rateLimit) {
                started.add(route);
            }

            @Override
            public boolean onChunk(StreamChunk chunk) {
                received.add(chunk);
                return true;
            }
        });

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, served -> {
            assertThat(served.route().deployment().id().value()).isEqualTo("gpt-4o-weu");
            assertThat(served.usage()).isEqualTo(new TokenUsage(9, 2));
        });
        assertThat(started).hasSize(1);
        assertThat(received).hasSize(2).allMatch(StreamChunk::hasContent);
    }

    @Test
    @DisplayName("Requirement 9.4: a line past the bound before the first token falls back like any broken stream")
    void an_overlong_line_before_the_first_token_falls_back() {
        // given: the primary's stream opens an event and never ends its line within the bound
        primary.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(overlongLine())));
        secondary.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(sse(delta("Hel"), delta("lo"), usageChunk(9, 2), "[DONE]"))));
        List<StreamChunk> received = new ArrayList<>();

        // when
        ChatOutcome outcome = router.stream(command(AzureFixtures.chat(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").streaming(false)), collectingInto(received));

        // then
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, served -> {
            assertThat(served.route().deployment().id().value()).isEqualTo("gpt-4o-weu");
            List<Attempt> attempts = served.attempts();
            assertThat(attempts.subList(0, attempts.size() - 1)).isNotEmpty().allSatisfy(a -> {
                assertThat(a.deployment().value()).isEqualTo("gpt-4o-eus");
                assertThat(a.failure().orElseThrow().kind()).isEqualTo(FailureKind.MALFORMED_RESPONSE);
                assertThat(a.failure().orElseThrow().message()).contains("longer than " + MAX_EVENT_BYTES + " bytes");
            });
        });
        assertThat(received).hasSize(2).allMatch(StreamChunk::hasContent);
    }

    @Test
    @DisplayName("Requirement 9.4: a line past the bound after the first token ends the stream as interrupted")
    void an_overlong_line_after_the_first_token_interrupts_the_stream() {
        // given: one content chunk, then a line that passes the bound
        primary.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(sse(delta("Hel")) + overlongLine())));
        List<StreamChunk> received = new ArrayList<>();

        // when
        ChatOutcome outcome = router.stream(command(AzureFixtures.chat(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").streaming(false)), collectingInto(received));

        // then: no fallback once content reached the caller; the failure says why
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.StreamBroken.class, broken -> {
            assertThat(broken.route().deployment().id().value()).isEqualTo("gpt-4o-eus");
            assertThat(broken.failure().orElseThrow().kind()).isEqualTo(FailureKind.STREAM_INTERRUPTED);
            assertThat(broken.failure().orElseThrow().message())
                    .contains("MALFORMED_RESPONSE").contains("longer than " + MAX_EVENT_BYTES + " bytes");
        });
        assertThat(received).hasSize(1);
        secondary.verify(0, postRequestedFor(urlPathEqualTo(PATH)));
    }

    /** A data line twice the bound long, never ended. */
    private static String overlongLine() {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(2 * MAX_EVENT_BYTES);
    }

    private static StreamListener collectingInto(List<StreamChunk> received) {
        return new StreamListener() {
            @Override
            public void onStart(RouteInfo route, RateLimitStatus rateLimit) {
                // only the chunks matter here
            }

            @Override
            public boolean onChunk(StreamChunk chunk) {
                received.add(chunk);
                return true;
            }
        };
    }
}

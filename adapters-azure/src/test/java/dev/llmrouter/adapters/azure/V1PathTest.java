package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.adapters.azure.AzureFixtures.KEY;
import static dev.llmrouter.adapters.azure.AzureFixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2 at the adapter: Azure's v1 path (its outgoing half). The Responses API always
 * goes there ({@code /openai/v1/responses}, the deployment's name in {@code model}, no {@code api-version},
 * the same {@code api-key}); a deployment configured {@code api: v1} has its chat and embeddings go there too. A
 * Responses stream is read event by event with each event's name, ends at {@code response.completed}
 * and takes its usage (every kind) from it; a stream cut before that, or an {@code error} event, fails
 * as chat's streams do.
 */
@DisplayName("Requirement 8.2: the adapter on Azure's v1 path, the Responses API plain and streamed")
class V1PathTest {

    WireMockServer wm;
    Deployment deployment;
    AzureOpenAiEndpoint classic;
    AzureOpenAiEndpoint v1;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wm.start();
        deployment = AzureFixtures.deployment(wm);
        classic = new AzureOpenAiEndpoint(List.of(AzureFixtures.keySettings(deployment)));
        v1 = new AzureOpenAiEndpoint(List.of(AzureFixtures.keySettings(deployment).withApi(AzureDeploymentSettings.Api.V1)));
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    static ChatRequest responses(String json) {
        return AzureFixtures.READER.request(ChatOperation.RESPONSES, json.getBytes(StandardCharsets.UTF_8));
    }

    static final String RESPONSE = """
            {"id":"resp_1","object":"response","status":"completed","model":"gpt-4o",\
            "output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hello"}]}],\
            "usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":8},"output_tokens":6,\
            "output_tokens_details":{"reasoning_tokens":2},"total_tokens":26}}""";

    static String event(String type, String extra) {
        return "event: " + type + "\ndata: {\"type\":\"" + type + "\"" + extra + "}\n\n";
    }

    @Test
    void a_responses_call_goes_by_the_v1_path_with_the_deployment_in_model() {
        wm.stubFor(post(urlPathEqualTo("/openai/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(RESPONSE)));

        ChatReply reply = classic.complete(call(deployment,
                responses("{\"model\":\"premium\",\"input\":\"Hi\",\"store\":true,\"max_output_tokens\":999}"), 300,
                java.time.Duration.ofSeconds(5)));

        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo(RESPONSE);
        assertThat(reply.usage()).isEqualTo(new TokenUsage(20, 6, 8, 0, 2));
        wm.verify(postRequestedFor(urlPathEqualTo("/openai/v1/responses"))
                .withQueryParam("api-version", absent())
                .withHeader("api-key", equalTo(KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-prod")))
                .withRequestBody(matchingJsonPath("$.store", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.max_output_tokens", equalTo("300"))));
    }

    @Test
    void a_v1_deployments_chat_goes_by_the_v1_path_and_a_classic_ones_does_not() {
        wm.stubFor(post(urlPathEqualTo("/openai/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(AzureFixtures.CHAT_REPLY)));
        wm.stubFor(post(urlPathEqualTo("/openai/deployments/gpt-4o-prod/chat/completions")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json").withBody(AzureFixtures.CHAT_REPLY)));
        ChatRequest chat = AzureFixtures.chat("{\"model\":\"premium\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        ChatReply onV1 = v1.complete(call(deployment, chat));
        ChatReply onClassic = classic.complete(call(deployment, chat));

        assertThat(onV1.usage()).isEqualTo(new TokenUsage(19, 3));
        assertThat(onClassic.usage()).isEqualTo(new TokenUsage(19, 3));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/openai/v1/chat/completions"))
                .withQueryParam("api-version", absent())
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-prod")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("256"))));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/openai/deployments/gpt-4o-prod/chat/completions"))
                .withQueryParam("api-version", equalTo(AzureDeploymentSettings.DEFAULT_API_VERSION))
                .withRequestBody(matchingJsonPath("$.model", equalTo("premium"))));
    }

    @Test
    void a_v1_deployments_embeddings_go_by_the_v1_path_unchanged_but_for_model() {
        String answer = """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.6,0.8]}],\
                "model":"text-embedding-3-small","usage":{"prompt_tokens":4,"total_tokens":4}}""";
        wm.stubFor(post(urlPathEqualTo("/openai/v1/embeddings")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(answer)));
        wm.stubFor(post(urlPathEqualTo("/openai/deployments/gpt-4o-prod/embeddings")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json").withBody(answer)));
        ChatRequest embeddings = AzureFixtures.READER.request(ChatOperation.EMBEDDINGS,
                "{\"model\":\"small\",\"input\":[\"a b\",\"c d\"],\"dimensions\":2}".getBytes(StandardCharsets.UTF_8));

        ChatReply onV1 = v1.complete(call(deployment, embeddings, 0, java.time.Duration.ofSeconds(5)));
        ChatReply onClassic = classic.complete(call(deployment, embeddings, 0, java.time.Duration.ofSeconds(5)));

        assertThat(onV1.usage()).isEqualTo(TokenUsage.inputOnly(4));
        assertThat(onClassic.usage()).isEqualTo(TokenUsage.inputOnly(4));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/openai/v1/embeddings"))
                .withQueryParam("api-version", absent())
                .withHeader("api-key", equalTo(KEY))
                .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-prod")))
                .withRequestBody(matchingJsonPath("$.dimensions", equalTo("2")))
                .withRequestBody(matchingJsonPath("$.max_tokens", absent())));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/openai/deployments/gpt-4o-prod/embeddings"))
                .withQueryParam("api-version", equalTo(AzureDeploymentSettings.DEFAULT_API_VERSION))
                .withRequestBody(matchingJsonPath("$.model", equalTo("small"))));
    }

    @Test
    void a_responses_stream_is_read_event_by_event_and_metered_from_response_completed() {
        String body = event("response.created", ",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\"}")
                + event("response.output_item.added", ",\"output_index\":0")
                + event("response.output_text.delta", ",\"delta\":\"Hel\"")
                + event("response.output_text.delta", ",\"delta\":\"lo\"")
                + event("response.completed", ",\"response\":" + RESPONSE);
        wm.stubFor(post(urlPathEqualTo("/openai/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(body)));
        List<StreamChunk> chunks = new ArrayList<>();

        try (ChatStream stream = classic.openStream(call(deployment,
                responses("{\"input\":\"Hi\",\"stream\":true}").streaming(false)))) {
            for (Optional<StreamChunk> c = stream.next(); c.isPresent(); c = stream.next()) {
                chunks.add(c.get());
            }
            assertThat(stream.usageReported()).isTrue();
            assertThat(stream.usage()).isEqualTo(new TokenUsage(20, 6, 8, 0, 2));
        }

        assertThat(chunks).extracting(StreamChunk::event).containsExactly("response.created",
                "response.output_item.added", "response.output_text.delta", "response.output_text.delta",
                "response.completed");
        assertThat(chunks).extracting(StreamChunk::hasContent).containsExactly(false, false, true, true, true);
        assertThat(chunks.get(4).usageOnly()).isFalse(); // the last event always reaches the caller
        wm.verify(postRequestedFor(urlPathEqualTo("/openai/v1/responses"))
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .withRequestBody(matchingJsonPath("$.stream_options", absent())));
    }

    @Test
    void a_responses_stream_cut_before_response_completed_fails_and_keeps_what_was_counted() {
        String body = event("response.created", ",\"response\":{\"id\":\"resp_1\"}")
                + event("response.output_text.delta", ",\"delta\":\"Hello world\"");
        wm.stubFor(post(urlPathEqualTo("/openai/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(body)));

        try (ChatStream stream = classic.openStream(call(deployment, responses("{\"input\":\"Hi\"}").streaming(false)))) {
            assertThat(stream.next()).isPresent();
            assertThat(stream.next().get().hasContent()).isTrue();
            assertThatThrownBy(stream::next).isInstanceOf(EndpointException.class)
                    .satisfies(e -> assertThat(((EndpointException) e).failure().kind()).isEqualTo(FailureKind.CONNECTION_RESET))
                    .hasMessageContaining("response.completed");
            assertThat(stream.usageReported()).isFalse();
            assertThat(stream.usage().outputTokens()).isEqualTo(2); // "Hello world", counted with the model's tokenizer
            assertThat(stream.usage().inputTokens()).isPositive();
        }
    }

    @Test
    void an_error_event_and_a_failed_response_fail_the_stream_with_their_code() {
        wm.stubFor(post(urlPathEqualTo("/openai/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(event("response.created", ",\"response\":{\"id\":\"resp_1\"}")
                        + event("response.failed", ",\"response\":{\"id\":\"resp_1\",\"status\":\"failed\","
                                + "\"error\":{\"code\":\"content_filter\",\"message\":\"filtered\"}}"))));

        try (ChatStream stream = classic.openStream(call(deployment, responses("{\"input\":\"Hi\"}").streaming(false)))) {
            stream.next();
            assertThatThrownBy(stream::next).isInstanceOf(EndpointException.class)
                    .satisfies(e -> assertThat(((EndpointException) e).failure().kind()).isEqualTo(FailureKind.CONTENT_FILTERED));
        }
    }
}

package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.llmrouter.adapters.azure.AzureFixtures.CHAT_REPLY;
import static dev.llmrouter.adapters.azure.AzureFixtures.KEY;
import static dev.llmrouter.adapters.azure.AzureFixtures.call;
import static dev.llmrouter.adapters.azure.AzureFixtures.delta;
import static dev.llmrouter.adapters.azure.AzureFixtures.keySettings;
import static dev.llmrouter.adapters.azure.AzureFixtures.sse;
import static dev.llmrouter.adapters.azure.AzureFixtures.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.StreamChunk;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requirements 2.2, 2.4 and 8.6: what each call sends, asserted on the deployment's side. The real SDK
 * talks to WireMock over a socket; every field the caller sent arrives unchanged, only the output
 * cap (and for streams the usage request) is set by the router, in the field the model accepts.
 */
@DisplayName("Requirement 2.2/2.4: the request each call produces")
class RequestShapeTest {

    static final String CHAT_PATH = "/openai/deployments/gpt-4o-prod/chat/completions";
    @RegisterExtension
    static final AzureWireMock azure = new AzureWireMock();

    static final String RICH_REQUEST = """
            {"messages":[{"role":"system","content":"You are terse."},
              {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==","detail":"low"}},
                {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"auto","response_format":{"type":"json_object"},"seed":42,"logprobs":true,"top_logprobs":2,
             "user":"u-17","temperature":1.50,"x_custom_field":{"nested":[1,2,3]},"max_tokens":4000}""";

    @Test
    void chat_completion_passes_every_field_through_and_caps_max_tokens() {
        // given
        azure.wm().stubFor(post(urlPathEqualTo(CHAT_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(CHAT_REPLY)));
        ChatRequest request = AzureFixtures.chat(RICH_REQUEST).withImageCount(2);

        // when
        ChatReply reply = azure.endpoint().complete(call(azure.deployment(), request, 512, java.time.Duration.ofSeconds(5)));

        // then: the deployment saw the Azure path, version, key and the caller's JSON with the cap
        azure.wm().verify(postRequestedFor(urlPathEqualTo(CHAT_PATH))
                .withQueryParam("api-version", equalTo("2024-10-21"))
                .withHeader("api-key", equalTo(KEY))
                .withHeader("x-ms-client-request-id", equalTo("req-1"))
                .withHeader("Content-Type", containing("application/json"))
                .withHeader("Content-Length", matching("\\d+")) // a fixed-length body, not chunked
                .withRequestBody(equalToJson(RICH_REQUEST.replace("\"max_tokens\":4000", "\"max_tokens\":512")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("512"))));
        String sent = sentBody();
        assertThat(sent).contains("\"temperature\":1.50") // numbers keep their spelling
                .contains("\"x_custom_field\":{\"nested\":[1,2,3]}")
                .contains("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
                .doesNotContain("\"stream\"");
        // and the caller gets the deployment's JSON whole, with its usage
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo(CHAT_REPLY);
        assertThat(reply.usage()).isEqualTo(new TokenUsage(19, 3));
    }

    @Test
    void a_caller_using_max_completion_tokens_gets_that_field_capped() {
        azure.wm().stubFor(post(urlPathEqualTo(CHAT_PATH)).willReturn(aResponse().withStatus(200).withBody(CHAT_REPLY)));

        azure.endpoint().complete(call(azure.deployment(),
                AzureFixtures.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":9000}"),
                100, java.time.Duration.ofSeconds(5)));

        azure.wm().verify(postRequestedFor(urlPathEqualTo(CHAT_PATH)).withRequestBody(
                equalToJson("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":100}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":9000}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"max_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":9000}",
    })
    @DisplayName("Requirement 8.6: a reasoning model gets its cap as max_completion_tokens, never max_tokens")
    void a_reasoning_model_gets_max_completion_tokens_whatever_the_caller_sent(String body) {
        azure.wm().stubFor(post(urlPathEqualTo(CHAT_PATH)).willReturn(aResponse().withStatus(200).withBody(CHAT_REPLY)));
        ModelSpec o4mini = ModelSpec.builder("o4-mini").tier(Tier.PREMIUM).encoding(TokenEncoding.O200K_BASE)
                .capabilities(Capability.REASONING).build();

        azure.endpoint().complete(new ChatCall(new Candidate(azure.deployment(), o4mini, Tier.PREMIUM, false),
                AzureFixtures.chat(body), 100, java.time.Duration.ofSeconds(5), "req-1"));

        azure.wm().verify(postRequestedFor(urlPathEqualTo(CHAT_PATH)).withRequestBody(
                equalToJson("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":100}")));
    }

    @Test
    void text_completion_goes_to_the_completions_path() {
        String path = "/openai/deployments/gpt-4o-prod/completions";
        String answer = "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"text\":\" world\",\"index\":0,"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
        azure.wm().stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody(answer)));
        ChatRequest request = AzureFixtures.completion("{\"prompt\":\"hello\",\"echo\":false,\"suffix\":null}".getBytes(StandardCharsets.UTF_8));

        ChatReply reply = azure.endpoint().complete(call(azure.deployment(), request, 16, java.time.Duration.ofSeconds(5)));

        azure.wm().verify(postRequestedFor(urlPathEqualTo(path)).withQueryParam("api-version", equalTo("2024-10-21"))
                .withHeader("api-key", equalTo(KEY))
                .withRequestBody(equalToJson("{\"prompt\":\"hello\",\"echo\":false,\"suffix\":null,\"max_tokens\":16}")));
        assertThat(reply.usage()).isEqualTo(new TokenUsage(1, 1));
    }

    @Test
    void stream_asks_for_stream_and_usage_chunk_and_keeps_the_rest() {
        // given
        azure.wm().stubFor(post(urlPathEqualTo(CHAT_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(sse(delta("Hi"), usageChunk(10, 1), "[DONE]"))));
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":7,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":false}}";

        // when
        try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), AzureFixtures.chat(body).streaming(false)))) {
            Optional<StreamChunk> first = stream.next();
            assertThat(first).hasValueSatisfying(c -> assertThat(c.hasContent()).isTrue());
            assertThat(stream.next()).hasValueSatisfying(c -> assertThat(c.usageOnly()).isTrue());
            assertThat(stream.next()).isEmpty();
            assertThat(stream.usage()).isEqualTo(new TokenUsage(10, 1));
            assertThat(stream.usageReported()).isTrue();
        }

        // then
        azure.wm().verify(postRequestedFor(urlPathEqualTo(CHAT_PATH)).withQueryParam("api-version", equalTo("2024-10-21"))
                .withHeader("api-key", equalTo(KEY))
                .withRequestBody(equalToJson("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":7,"
                        + "\"max_tokens\":256,\"stream\":true,\"stream_options\":{\"include_usage\":true}}")));
    }

    @Test
    void the_configured_api_version_is_sent_even_when_the_sdk_enum_lacks_it() {
        azure.wm().stubFor(post(urlPathEqualTo(CHAT_PATH)).willReturn(aResponse().withStatus(200).withBody(CHAT_REPLY)));
        var preview = new AzureOpenAiEndpoint(List.of(keySettings(azure.deployment()).withApiVersion("2025-04-01-preview")));

        preview.complete(call(azure.deployment(), AzureFixtures.chat("{\"messages\":[]}")));

        azure.wm().verify(postRequestedFor(urlPathEqualTo(CHAT_PATH)).withQueryParam("api-version", equalTo("2025-04-01-preview")));
    }

    private static String sentBody() {
        List<LoggedRequest> requests = azure.wm().findAll(postRequestedFor(urlPathEqualTo(CHAT_PATH)));
        assertThat(requests).hasSize(1);
        return requests.get(0).getBodyAsString();
    }
}

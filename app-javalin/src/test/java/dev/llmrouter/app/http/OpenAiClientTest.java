package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.router.RouteInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirement 3.1–3.4 through the official OpenAI Java client, changed only in base URL and key: chat,
 * streaming, legacy completions, image input, tool calls both ways, the model list, and errors that
 * surface as the client's own typed exceptions.
 */
@DisplayName("Requirement 3: the official openai-java client against the gateway")
class OpenAiClientTest {

    static final FakeRouter ROUTER = new FakeRouter();
    @RegisterExtension
    static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        client = clientWithKey(ENTERPRISE_KEY);
    }

    static OpenAIClient clientWithKey(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gateway.get().base() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static JsonNode sentBody() {
        return ChatCompletionsApiTest.json(new String(ROUTER.last().request().body(), StandardCharsets.UTF_8));
    }

    @Test
    void chat() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("premium").addUserMessage("Hi").user("alice").maxCompletionTokens(100).build());

        assertThat(completion.choices().get(0).message().content()).hasValue("Hello there");
        assertThat(completion.usage().get().totalTokens()).isEqualTo(15);
        assertThat(ROUTER.last().requested()).isEqualTo("premium");
        assertThat(ROUTER.last().caller().creator()).isEqualTo("alice");
        assertThat(ROUTER.last().request().maxOutputTokens()).isEqualTo(100);
    }

    @Test
    void raw_response_carries_the_router_headers() {
        var raw = client.chat().completions().withRawResponse().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("Hi").build());

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().values("x-router-deployment")).containsExactly("gpt-4o-eastus");
        assertThat(raw.headers().values("x-request-id")).hasSize(1);
        assertThat(raw.parse().choices()).hasSize(1);
    }

    @Test
    void streaming_with_usage() {
        StringBuilder text = new StringBuilder();
        Optional<Long>[] total = new Optional[] {Optional.empty()};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("premium").addUserMessage("Hi")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> total[0] = Optional.of(u.totalTokens()));
            });
        }

        assertThat(text).hasToString("Hello");
        assertThat(total[0]).hasValue(12L);
        assertThat(ROUTER.last().request().stream()).isTrue();
        assertThat(ROUTER.last().request().includeUsage()).isTrue();
    }

    @Test
    void a_broken_stream_surfaces_as_an_exception_after_the_content_sent() {
        ROUTER.streams((command, listener) -> {
            RouteInfo route = Outcomes.route("gpt-4o-eastus");
            listener.onStart(route, Outcomes.LIMITS);
            listener.onChunk(Outcomes.chunk(Outcomes.CHUNKS.get(0)));
            return new ChatOutcome.StreamBroken(route,
                    Optional.of(Failure.transport(FailureKind.STREAM_INTERRUPTED, "deployment went away")),
                    new TokenUsage(10, 1), Outcomes.COST, List.of(Outcomes.success("gpt-4o-eastus")), Outcomes.LIMITS);
        });
        StringBuilder text = new StringBuilder();

        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("premium").addUserMessage("Hi").build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
            }
        }).isInstanceOf(OpenAIException.class).hasMessageContaining("deployment went away");
        assertThat(text).hasToString("Hel");
    }

    @Test
    void legacy_completions() {
        ROUTER.completes(c -> Outcomes.served(Outcomes.TEXT_REPLY, Outcomes.route("gpt-35-turbo-instruct-eastus")));

        Completion completion = client.completions().create(CompletionCreateParams.builder()
                .model("gpt-35-turbo-instruct").prompt("Hello").maxTokens(5).build());

        assertThat(completion.choices().get(0).text()).isEqualTo(" world");
        assertThat(sentBody().get("prompt").asText()).isEqualTo("Hello");
    }

    @Test
    void image_input() {
        ChatCompletionUserMessageParam message = ChatCompletionUserMessageParam.builder().contentOfArrayOfContentParts(List.of(
                ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(
                        ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64,iVBORw0KGgo=").build())
                        .build()))).build();

        client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o").addMessage(message).build());

        assertThat(ROUTER.last().request().imageCount()).isEqualTo(1);
        assertThat(sentBody().at("/messages/0/content/1/image_url/url").asText()).isEqualTo("data:image/png;base64,iVBORw0KGgo=");
    }

    @Test
    void tool_calls_round_trip() {
        ROUTER.completes(c -> Outcomes.served(Outcomes.TOOL_REPLY, Outcomes.route("gpt-4o-eastus")));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("Weather in Paris?")
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build()).build())
                .putAdditionalBodyProperty("parallel_tool_calls", JsonValue.from(false))
                .build());

        // the tools reached the router untouched
        JsonNode sent = sentBody();
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/tools/0/function/parameters/properties/city/type").asText()).isEqualTo("string");
        assertThat(sent.get("parallel_tool_calls").asBoolean(true)).isFalse();
        // and the deployment's tool call reached the client
        ChatCompletionMessageFunctionToolCall call = completion.choices().get(0).message().toolCalls().get().get(0).asFunction();
        assertThat(call.id()).isEqualTo("call_1");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void models_of_the_plan() {
        List<String> enterprise = client.models().list().autoPager().stream().map(Model::id).collect(Collectors.toList());
        OpenAIClient freeClient = clientWithKey(Fakes.FREE_KEY);
        List<String> free = freeClient.models().list().autoPager().stream().map(Model::id).collect(Collectors.toList());
        freeClient.close();

        assertThat(enterprise).contains("premium", "standard", "economy", "gpt-4o", "gpt-4", "gpt-35-turbo");
        assertThat(free).contains("economy", "gpt-35-turbo", "gpt-4o-mini").doesNotContain("premium", "standard", "gpt-4o", "gpt-4");
        assertThat(client.models().retrieve("premium").id()).isEqualTo("premium");
    }

    @Test
    void errors_are_the_clients_typed_exceptions() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("premium").addUserMessage("Hi").build();

        ROUTER.answers(new ChatOutcome.Refused(new Refusal(Refusal.Reason.RATE_LIMITED, "Rate limit reached",
                Optional.of(Duration.ofSeconds(7))), new RateLimitStatus(300, 0, Duration.ofSeconds(7), 0, 0, Duration.ZERO)));
        assertThatThrownBy(() -> client.chat().completions().create(params)).isInstanceOfSatisfying(RateLimitException.class, e -> {
            assertThat(e.headers().values("retry-after")).containsExactly("7");
            assertThat(e.code()).hasValue("rate_limit_exceeded");
        });

        ROUTER.answers(new ChatOutcome.Refused(Refusal.of(Refusal.Reason.UNKNOWN_MODEL, "no such model"), Outcomes.LIMITS));
        assertThatThrownBy(() -> client.chat().completions().create(params)).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.param()).hasValue("model"));

        ROUTER.answers(new ChatOutcome.Exhausted(List.of(Outcomes.skipped("gpt-4-turbo-eastus", Attempt.Outcome.SKIPPED_BREAKER_OPEN)),
                Optional.of(TestGateway.NOW.plusSeconds(30)), Outcomes.LIMITS));
        assertThatThrownBy(() -> client.chat().completions().create(params)).isInstanceOfSatisfying(InternalServerException.class,
                e -> assertThat(e.statusCode()).isEqualTo(503));

        Failure filtered = Failure.of(FailureKind.CONTENT_FILTERED, 400, "content_filter", "The response was filtered");
        ROUTER.answers(new ChatOutcome.Failed(Outcomes.route("gpt-4o-eastus"), filtered,
                List.of(Outcomes.failed("gpt-4o-eastus", filtered)), Outcomes.LIMITS));
        assertThatThrownBy(() -> client.chat().completions().create(params)).isInstanceOfSatisfying(BadRequestException.class,
                e -> assertThat(e.code()).hasValue("content_filter"));

        OpenAIClient wrongKey = clientWithKey("sk-wrong");
        assertThatThrownBy(() -> wrongKey.chat().completions().create(params)).isInstanceOf(UnauthorizedException.class);
        wrongKey.close();

        OpenAIClient freeClient = clientWithKey(Fakes.FREE_KEY);
        assertThatThrownBy(() -> freeClient.models().retrieve("gpt-4o")).isInstanceOf(NotFoundException.class);
        freeClient.close();
    }
}

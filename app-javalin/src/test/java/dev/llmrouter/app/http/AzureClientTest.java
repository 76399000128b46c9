package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.ChatCompletions;
import com.azure.ai.openai.models.ChatCompletionsFunctionToolCall;
import com.azure.ai.openai.models.ChatCompletionsFunctionToolDefinition;
import com.azure.ai.openai.models.ChatCompletionsFunctionToolDefinitionFunction;
import com.azure.ai.openai.models.ChatCompletionsOptions;
import com.azure.ai.openai.models.ChatMessageImageContentItem;
import com.azure.ai.openai.models.ChatMessageImageUrl;
import com.azure.ai.openai.models.ChatMessageTextContentItem;
import com.azure.ai.openai.models.ChatRequestMessage;
import com.azure.ai.openai.models.ChatRequestUserMessage;
import com.azure.ai.openai.models.Completions;
import com.azure.ai.openai.models.CompletionsOptions;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirement 3.1–3.3 through the Azure OpenAI client ({@code azure-ai-openai}) pointed at the gateway:
 * the deployment name in the path names the tier or model; chat, streaming, completions, image input,
 * tool calls; errors surface as {@link HttpResponseException} with the status. The SDK refuses key
 * credentials over plain http, so a pipeline policy adds the {@code api-key} header.
 */
@DisplayName("Requirement 3: the Azure OpenAI client against the gateway")
class AzureClientTest {

    static final FakeRouter ROUTER = new FakeRouter();
    @RegisterExtension
    static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        client = clientWithKey(ENTERPRISE_KEY);
    }

    static OpenAIClient clientWithKey(String key) {
        HttpPipelinePolicy apiKey = (context, next) -> {
            context.getHttpRequest().setHeader(HttpHeaderName.fromString("api-key"), key);
            return next.process();
        };
        return new OpenAIClientBuilder().endpoint(gateway.get().base()).addPolicy(apiKey)
                .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1)))).buildClient();
    }

    static JsonNode sentBody() {
        return ChatCompletionsApiTest.json(new String(ROUTER.last().request().body(), StandardCharsets.UTF_8));
    }

    static ChatCompletionsOptions hi() {
        return new ChatCompletionsOptions(List.<ChatRequestMessage>of(new ChatRequestUserMessage("Hi")));
    }

    @Test
    void chat_names_the_tier_in_the_path() {
        ChatCompletions completions = client.getChatCompletions("premium", hi().setUser("bob").setMaxTokens(50));

        assertThat(completions.getChoices().get(0).getMessage().getContent()).isEqualTo("Hello there");
        assertThat(completions.getUsage().getTotalTokens()).isEqualTo(15);
        assertThat(ROUTER.last().requested()).isEqualTo("premium");
        assertThat(ROUTER.last().caller().creator()).isEqualTo("bob");
        assertThat(ROUTER.last().request().maxOutputTokens()).isEqualTo(50);
    }

    @Test
    void streaming() {
        StringBuilder text = new StringBuilder();
        client.getChatCompletionsStream("gpt-4o", hi()).forEach(chunk -> chunk.getChoices().forEach(c -> {
            if (c.getDelta() != null && c.getDelta().getContent() != null) {
                text.append(c.getDelta().getContent());
            }
        }));

        assertThat(text).hasToString("Hello");
        assertThat(ROUTER.last().request().stream()).isTrue();
    }

    @Test
    void completions() {
        ROUTER.completes(c -> Outcomes.served(Outcomes.TEXT_REPLY, Outcomes.route("gpt-35-turbo-instruct-eastus")));

        Completions completions = client.getCompletions("gpt-35-turbo-instruct", new CompletionsOptions(List.of("Hello")));

        assertThat(completions.getChoices().get(0).getText()).isEqualTo(" world");
        assertThat(sentBody().at("/prompt/0").asText()).isEqualTo("Hello");
    }

    @Test
    void image_input_and_tool_calls() {
        ROUTER.completes(c -> Outcomes.served(Outcomes.TOOL_REPLY, Outcomes.route("gpt-4o-eastus")));
        ChatRequestUserMessage message = new ChatRequestUserMessage(List.of(
                new ChatMessageTextContentItem("Where is this? Then get the weather."),
                new ChatMessageImageContentItem(new ChatMessageImageUrl("https://example.com/eiffel.png"))));
        ChatCompletionsOptions options = new ChatCompletionsOptions(List.<ChatRequestMessage>of(message))
                .setTools(List.of(new ChatCompletionsFunctionToolDefinition(
                        new ChatCompletionsFunctionToolDefinitionFunction("get_weather").setParameters(BinaryData.fromObject(
                                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))))))));

        ChatCompletions completions = client.getChatCompletions("gpt-4o", options);

        assertThat(ROUTER.last().request().imageCount()).isEqualTo(1);
        assertThat(sentBody().at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        ChatCompletionsFunctionToolCall call =
                (ChatCompletionsFunctionToolCall) completions.getChoices().get(0).getMessage().getToolCalls().get(0);
        assertThat(call.getFunction().getName()).isEqualTo("get_weather");
        assertThat(call.getFunction().getArguments()).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void errors_are_http_response_exceptions_with_the_status() {
        ROUTER.answers(new ChatOutcome.Refused(new Refusal(Refusal.Reason.QUOTA_EXCEEDED, "Monthly quota reached",
                Optional.of(Duration.ofHours(1))), RateLimitStatus.UNLIMITED));
        assertThatThrownBy(() -> client.getChatCompletions("premium", hi())).isInstanceOfSatisfying(HttpResponseException.class,
                e -> {
                    assertThat(e.getResponse().getStatusCode()).isEqualTo(429);
                    assertThat(e.getResponse().getHeaderValue(HttpHeaderName.RETRY_AFTER)).isEqualTo("3600");
                });

        ROUTER.answers(new ChatOutcome.Refused(Refusal.of(Refusal.Reason.UNKNOWN_MODEL, "no such deployment"), Outcomes.LIMITS));
        assertThatThrownBy(() -> client.getChatCompletions("nope", hi())).isInstanceOfSatisfying(HttpResponseException.class,
                e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(404));

        Failure tooLong = Failure.of(FailureKind.CONTEXT_LENGTH_EXCEEDED, 400, "context_length_exceeded", "too long");
        ROUTER.answers(new ChatOutcome.Failed(Outcomes.route("gpt-4-eastus"), tooLong,
                List.of(Outcomes.failed("gpt-4-eastus", tooLong)), Outcomes.LIMITS));
        assertThatThrownBy(() -> client.getChatCompletions("standard", hi())).isInstanceOfSatisfying(HttpResponseException.class,
                e -> {
                    assertThat(e.getResponse().getStatusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("context_length_exceeded");
                });

        OpenAIClient wrongKey = clientWithKey("sk-wrong");
        assertThatThrownBy(() -> wrongKey.getChatCompletions("premium", hi())).isInstanceOfSatisfying(HttpResponseException.class,
                e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(401));
    }
}

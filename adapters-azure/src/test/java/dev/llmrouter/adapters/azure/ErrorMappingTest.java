package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.llmrouter.adapters.azure.AzureFixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.EndpointException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requirements 2.5 and 2.7: realistic Azure error answers, sent by WireMock and read by the real SDK,
 * become one typed {@link Failure} with Azure's status, code, message, retry delay and body — for
 * plain and streaming calls alike — and the SDK never retries on its own (one request each).
 */
@DisplayName("Requirement 2.5/2.7: Azure errors mapped to the failure taxonomy, no SDK retries")
class ErrorMappingTest {

    static final String PATH = "/openai/deployments/gpt-4o-prod/chat/completions";
    /** The fixed time the HTTP-date form of Retry-After is measured against. */
    static final Instant NOW = Instant.parse("2026-11-26T03:00:00Z");

    @RegisterExtension
    static final AzureWireMock azure = new AzureWireMock(settings -> new AzureOpenAiEndpoint(settings,
            AzureOpenAiEndpoint.defaultHttpClient(), InstantSource.fixed(NOW), new TokenizerEstimator()));

    static final String THROTTLED = "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create "
            + "Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current "
            + "OpenAI S0 pricing tier. Please retry after 6 seconds.\"}}";
    static final String CONTENT_FILTER = "{\"error\":{\"message\":\"The response was filtered due to the prompt "
            + "triggering Azure OpenAI's content management policy. Please modify your prompt and retry.\",\"type\":null,"
            + "\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400,\"innererror\":{\"code\":"
            + "\"ResponsibleAIPolicyViolation\",\"content_filter_result\":{\"hate\":{\"filtered\":false,\"severity\":"
            + "\"safe\"},\"jailbreak\":{\"filtered\":false,\"detected\":false},\"self_harm\":{\"filtered\":false,"
            + "\"severity\":\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},\"violence\":{\"filtered\":"
            + "true,\"severity\":\"medium\"}}}}}";
    static final String CONTEXT_LENGTH = "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. "
            + "However, your messages resulted in 9012 tokens. Please reduce the length of the messages.\",\"type\":"
            + "\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";
    static final String NOT_FOUND = "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for "
            + "this resource does not exist. If you created the deployment within the last 5 minutes, please wait a "
            + "moment and try again.\"}}";
    static final String UNAUTHORIZED = "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid "
            + "subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and "
            + "use a correct regional API endpoint for your resource.\"}}";
    static final String FORBIDDEN = "{\"error\":{\"code\":\"PermissionDenied\",\"message\":\"The principal lacks the "
            + "required data action Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action.\"}}";
    static final String SERVER = "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The server had an error "
            + "while processing your request. Sorry about that!\"}}";
    static final String UNAVAILABLE = "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"The service is "
            + "temporarily unable to process your request. Please try again later.\"}}";
    static final String BAD = "{\"error\":{\"message\":\"Invalid value for 'temperature': must be <= 2.\",\"type\":"
            + "\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}";

    record Case(String name, int status, String body, String header, String headerValue, FailureKind kind, String code,
            Optional<Duration> retryAfter) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = List.of(
                new Case("429 retry-after-ms", 429, THROTTLED, "retry-after-ms", "5200", FailureKind.THROTTLED, "429",
                        Optional.of(Duration.ofMillis(5200))),
                new Case("429 x-ms-retry-after-ms", 429, THROTTLED, "x-ms-retry-after-ms", "750", FailureKind.THROTTLED,
                        "429", Optional.of(Duration.ofMillis(750))),
                new Case("429 Retry-After seconds", 429, THROTTLED, "Retry-After", "6", FailureKind.THROTTLED, "429",
                        Optional.of(Duration.ofSeconds(6))),
                new Case("429 Retry-After HTTP date", 429, THROTTLED, "Retry-After", "Thu, 26 Nov 2026 03:00:30 GMT",
                        FailureKind.THROTTLED, "429", Optional.of(Duration.ofSeconds(30))),
                new Case("500", 500, SERVER, null, null, FailureKind.SERVER_ERROR, "InternalServerError", Optional.empty()),
                new Case("503 with Retry-After", 503, UNAVAILABLE, "Retry-After", "2", FailureKind.SERVER_ERROR,
                        "ServiceUnavailable", Optional.of(Duration.ofSeconds(2))),
                new Case("400 content filter", 400, CONTENT_FILTER, null, null, FailureKind.CONTENT_FILTERED,
                        "content_filter", Optional.empty()),
                new Case("400 context length", 400, CONTEXT_LENGTH, null, null, FailureKind.CONTEXT_LENGTH_EXCEEDED,
                        "context_length_exceeded", Optional.empty()),
                new Case("400 invalid value", 400, BAD, null, null, FailureKind.BAD_REQUEST, "invalid_value",
                        Optional.empty()),
                new Case("404 DeploymentNotFound", 404, NOT_FOUND, null, null, FailureKind.DEPLOYMENT_MISSING,
                        "DeploymentNotFound", Optional.empty()),
                new Case("401", 401, UNAUTHORIZED, null, null, FailureKind.DEPLOYMENT_AUTH, "401", Optional.empty()),
                new Case("403", 403, FORBIDDEN, null, null, FailureKind.DEPLOYMENT_AUTH, "PermissionDenied",
                        Optional.empty()));
        return cases.stream().flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("cases")
    void an_azure_error_answer_becomes_one_typed_failure(Case c, boolean stream) {
        // given
        ResponseDefinitionBuilder answer = aResponse().withStatus(c.status())
                .withHeader("Content-Type", "application/json").withHeader("apim-request-id", "abc")
                .withBody(c.body());
        if (c.header() != null) {
            answer.withHeader(c.header(), c.headerValue());
        }
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(answer));
        ChatRequest request = AzureFixtures.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        // when
        EndpointException e = catchThrowableOfType(EndpointException.class, () -> {
            if (stream) {
                azure.endpoint().openStream(call(azure.deployment(), request.streaming(true))).close();
            } else {
                azure.endpoint().complete(call(azure.deployment(), request));
            }
        });

        // then
        assertThat(e).as("an EndpointException, never an SDK exception").isNotNull();
        Failure f = e.failure();
        assertThat(f.kind()).isEqualTo(c.kind());
        assertThat(f.status()).isEqualTo(c.status());
        assertThat(f.code()).isEqualTo(c.code());
        assertThat(f.message()).isNotBlank().doesNotContain(AzureFixtures.KEY);
        assertThat(f.retryAfter()).isEqualTo(c.retryAfter());
        assertThat(f.body()).isEqualTo(c.body());
        azure.wm().verify(1, postRequestedFor(urlPathEqualTo(PATH))); // the SDK did not retry
    }
}

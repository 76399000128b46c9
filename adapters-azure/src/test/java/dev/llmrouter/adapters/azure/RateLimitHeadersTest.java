package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.llmrouter.adapters.azure.AzureFixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirement 1.4 (load balancing, capacity): what Azure says of a deployment's remaining quota
 * ({@code x-ratelimit-remaining-tokens}/{@code -requests} and their resets), sent by WireMock and read
 * through the real SDK, reaches the router on a success, on a stream and on a 429; an answer without
 * them says nothing.
 */
@DisplayName("Requirement 1.4: Azure's remaining-quota headers reach the router")
class RateLimitHeadersTest {

    static final String PATH = "/openai/deployments/gpt-4o-prod/chat/completions";
    static final ChatRequest REQUEST = AzureFixtures.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

    @RegisterExtension
    static final AzureWireMock azure = new AzureWireMock();

    @Test
    void a_success_carries_the_remaining_tokens_and_requests_with_their_resets() {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-ratelimit-remaining-tokens", "1200")
                .withHeader("x-ratelimit-remaining-requests", "7")
                .withHeader("x-ratelimit-reset-tokens", "42")
                .withHeader("x-ratelimit-reset-requests", "1m30s")
                .withBody(AzureFixtures.CHAT_REPLY)));

        ChatReply reply = azure.endpoint().complete(call(azure.deployment(), REQUEST));

        assertThat(reply.capacity()).isEqualTo(new CapacityReport(1200, 7, Duration.ofSeconds(42), Duration.ofSeconds(90)));
    }

    @Test
    void a_429_carries_them_too() {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json")
                .withHeader("Retry-After", "6")
                .withHeader("x-ratelimit-remaining-tokens", "0")
                .withHeader("x-ratelimit-remaining-requests", "3")
                .withBody(ErrorMappingTest.THROTTLED)));

        EndpointException e = catchThrowableOfType(EndpointException.class,
                () -> azure.endpoint().complete(call(azure.deployment(), REQUEST)));

        assertThat(e.capacity().remainingTokens()).isZero();
        assertThat(e.capacity().remainingRequests()).isEqualTo(3);
        assertThat(e.capacity().tokensReset()).isEqualTo(CapacityReport.DEFAULT_RESET);
    }

    @Test
    void a_stream_carries_them_from_its_headers() {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withHeader("x-ratelimit-remaining-tokens", "900")
                .withBody(AzureFixtures.sse(AzureFixtures.delta("Hi")))));

        try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), REQUEST.streaming(true)))) {
            assertThat(stream.capacity().remainingTokens()).isEqualTo(900);
            assertThat(stream.capacity().remainingRequests()).isEqualTo(CapacityReport.UNKNOWN);
        }
    }

    @Test
    void an_answer_without_them_says_nothing() {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(AzureFixtures.CHAT_REPLY)));

        assertThat(azure.endpoint().complete(call(azure.deployment(), REQUEST)).capacity()).isEqualTo(CapacityReport.NONE);
    }

    @Test
    void a_reset_in_seconds_is_read_exactly_and_a_fraction_of_a_millisecond_rounds_up() {
        // a reset read early would let a request reach the deployment while its window still refuses it
        assertThat(RateLimitHeaders.reset("0.733")).isEqualTo(Duration.ofMillis(733));
        assertThat(RateLimitHeaders.reset("0.7331")).isEqualTo(Duration.ofMillis(734));
        assertThat(RateLimitHeaders.reset("42")).isEqualTo(Duration.ofSeconds(42));
        assertThat(RateLimitHeaders.reset("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(RateLimitHeaders.reset("soon")).isEqualTo(CapacityReport.DEFAULT_RESET);
    }
}

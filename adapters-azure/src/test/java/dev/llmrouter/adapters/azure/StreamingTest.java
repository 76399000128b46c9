package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.llmrouter.adapters.azure.AzureFixtures.FILTER_RESULTS_CHUNK;
import static dev.llmrouter.adapters.azure.AzureFixtures.call;
import static dev.llmrouter.adapters.azure.AzureFixtures.delta;
import static dev.llmrouter.adapters.azure.AzureFixtures.keySettings;
import static dev.llmrouter.adapters.azure.AzureFixtures.sse;
import static dev.llmrouter.adapters.azure.AzureFixtures.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirements 2.3 and 2.6: streams are handed on chunk by chunk as they arrive, usage comes from the
 * final usage chunk, and a stream cut before {@code [DONE]} fails with the tokens already received
 * counted locally by the model's tokenizer.
 */
@DisplayName("Requirement 2.3/2.6: streaming without buffering, usage from the stream")
class StreamingTest {

    static final String PATH = "/openai/deployments/gpt-4o-prod/chat/completions";
    static final ChatRequest REQUEST = AzureFixtures.chat(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Say hello world\"}]}").streaming(true);
    @RegisterExtension
    static final AzureWireMock azure = new AzureWireMock();

    @Test
    void chunks_arrive_one_by_one_as_the_deployment_dribbles_them() {
        // given: six SSE events dribbled in 6 network chunks over 1.2 s
        int dribbleMs = 1_200;
        String body = sse(FILTER_RESULTS_CHUNK, delta("Hel"), delta("lo"), delta(" world"), usageChunk(12, 3), "[DONE]");
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(body)
                .withChunkedDribbleDelay(6, dribbleMs)));

        // when
        List<Long> arrivals = new ArrayList<>();
        List<StreamChunk> chunks = new ArrayList<>();
        long opened;
        try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), REQUEST))) {
            opened = System.nanoTime();
            Optional<StreamChunk> c;
            while ((c = stream.next()).isPresent()) {
                arrivals.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
                chunks.add(c.get());
            }
            // then: usage is the deployment's own
            assertThat(stream.usageReported()).isTrue();
            assertThat(stream.usage()).isEqualTo(new TokenUsage(12, 3));
        }

        // then: every event, in order, flagged as content or not
        assertThat(chunks).extracting(StreamChunk::hasContent).containsExactly(false, true, true, true, false);
        assertThat(chunks.get(4).usageOnly()).isTrue();
        assertThat(new String(chunks.get(1).data(), StandardCharsets.UTF_8)).isEqualTo(delta("Hel"));
        // the first chunk was handed on long before the last arrived: not buffered to the end
        long spread = arrivals.get(arrivals.size() - 1) - arrivals.get(0);
        assertThat(spread).as("arrivals %s ms", arrivals).isGreaterThanOrEqualTo(dribbleMs / 2);
    }

    @Test
    void a_stream_ending_without_done_is_cut_and_reports_the_tokens_received() {
        // given
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(sse(delta("Hello"), delta(" world")))));

        try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), REQUEST))) {
            // when
            assertThat(stream.next()).isPresent();
            assertThat(stream.next()).isPresent();
            EndpointException cut = catchThrowableOfType(EndpointException.class, stream::next);

            // then
            assertThat(cut.failure().kind()).isEqualTo(FailureKind.CONNECTION_RESET);
            assertThat(stream.usageReported()).isFalse();
            assertThat(stream.usage()).isEqualTo(locallyCounted("Hello world"));
        }
    }

    @Test
    void a_connection_reset_mid_stream_fails_the_stream_and_keeps_the_tokens_received() throws Exception {
        try (RawSseServer raw = new RawSseServer(sse(delta("Hello"), delta(" there")), RawSseServer.Then.RESET)) {
            Deployment d = AzureFixtures.deployment("raw", raw.baseUrl(), "gpt-4o-prod");
            AzureOpenAiEndpoint e = new AzureOpenAiEndpoint(List.of(keySettings(d)));
            try (ChatStream stream = e.openStream(call(d, REQUEST))) {
                // given: two events received
                assertThat(stream.next()).isPresent();
                assertThat(stream.next()).isPresent();

                // when: the connection is reset mid-stream
                raw.reset.countDown();
                EndpointException cut = catchThrowableOfType(EndpointException.class, stream::next);

                // then
                assertThat(cut).as("the stream fails").isNotNull();
                assertThat(cut.failure().kind()).isEqualTo(FailureKind.CONNECTION_RESET);
                assertThat(stream.usageReported()).isFalse();
                assertThat(stream.usage()).isEqualTo(locallyCounted("Hello there"));
            }
        }
    }

    @Test
    void closing_the_stream_cancels_the_upstream_call() throws Exception {
        try (RawSseServer raw = new RawSseServer(sse(delta("Hello")), RawSseServer.Then.WAIT_FOR_CLIENT_CLOSE)) {
            Deployment d = AzureFixtures.deployment("raw", raw.baseUrl(), "gpt-4o-prod");
            AzureOpenAiEndpoint e = new AzureOpenAiEndpoint(List.of(keySettings(d)));
            ChatStream stream = e.openStream(call(d, REQUEST));
            assertThat(stream.next()).isPresent();

            stream.close();

            assertThat(raw.clientClosed.await(5, TimeUnit.SECONDS)).as("the deployment saw the connection close").isTrue();
            assertThat(catchThrowableOfType(EndpointException.class, stream::next)).isNotNull();
            stream.close(); // idempotent
        }
    }

    @Test
    void comment_lines_crlf_and_split_events_are_read() {
        String body = ": keep-alive\r\n\r\n" + "data: " + delta("a") + "\r\n\r\n" + "event: message\ndata: " + delta("b")
                + "\n\n" + "data: [DONE]";
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(body).withChunkedDribbleDelay(7, 70)));

        try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), REQUEST))) {
            assertThat(stream.next()).hasValueSatisfying(c -> assertThat(c.data()).isEqualTo(delta("a").getBytes(StandardCharsets.UTF_8)));
            assertThat(stream.next()).hasValueSatisfying(c -> assertThat(c.data()).isEqualTo(delta("b").getBytes(StandardCharsets.UTF_8)));
            assertThat(stream.next()).isEmpty();
            assertThat(stream.next()).isEmpty();
        }
    }

    @Test
    void tool_call_deltas_are_content() {
        String toolDelta = "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}";
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withBody(sse(toolDelta, "[DONE]"))));

        try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), REQUEST))) {
            assertThat(stream.next()).hasValueSatisfying(c -> assertThat(c.hasContent()).isTrue());
        }
    }

    @Test
    void a_garbage_chunk_is_malformed_and_the_tokens_before_it_are_kept() {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withBody(sse(delta("Hello")) + "data: {\"choices\":[{\"delta\n\n")));

        try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), REQUEST))) {
            assertThat(stream.next()).isPresent();
            EndpointException e = catchThrowableOfType(EndpointException.class, stream::next);

            assertThat(e.failure().kind()).isEqualTo(FailureKind.MALFORMED_RESPONSE);
            assertThat(stream.usage()).isEqualTo(locallyCounted("Hello"));
        }
    }

    @Test
    void an_error_event_after_the_200_fails_the_stream_with_its_code() {
        String error = "{\"error\":{\"code\":\"content_filter\",\"message\":\"The response was filtered\","
                + "\"status\":400}}";
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withBody(sse(delta("Hello"), error))));

        try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), REQUEST))) {
            assertThat(stream.next()).isPresent();
            EndpointException e = catchThrowableOfType(EndpointException.class, stream::next);

            assertThat(e.failure().kind()).isEqualTo(FailureKind.CONTENT_FILTERED);
            assertThat(e.failure().code()).isEqualTo("content_filter");
            assertThat(e.failure().body()).isEqualTo(error);
            assertThat(stream.usage()).isEqualTo(locallyCounted("Hello"));
        }
    }

    @Test
    void a_stream_that_stalls_longer_than_the_timeout_times_out() {
        azure.wm().stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withBody(sse(delta("a"), delta("b"), "[DONE]")).withChunkedDribbleDelay(2, 3_000)));

        // WireMock holds even the headers for the first dribble interval: first byte or next chunk, it is late
        EndpointException e = catchThrowableOfType(EndpointException.class, () -> {
            try (ChatStream stream = azure.endpoint().openStream(call(azure.deployment(), REQUEST, 64, Duration.ofMillis(300)))) {
                while (stream.next().isPresent()) {
                    // read until it stalls
                }
            }
        });

        assertThat(e.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    }

    @Test
    void a_stream_that_stalls_after_its_first_chunk_times_out() throws Exception {
        try (RawSseServer raw = new RawSseServer(sse(delta("Hello")), RawSseServer.Then.WAIT_FOR_CLIENT_CLOSE)) {
            Deployment d = AzureFixtures.deployment("raw", raw.baseUrl(), "gpt-4o-prod");
            AzureOpenAiEndpoint e = new AzureOpenAiEndpoint(List.of(keySettings(d)));
            try (ChatStream stream = e.openStream(call(d, REQUEST, 64, Duration.ofMillis(300)))) {
                assertThat(stream.next()).isPresent();

                EndpointException stalled = catchThrowableOfType(EndpointException.class, stream::next);

                assertThat(stalled.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
                assertThat(stream.usage()).isEqualTo(locallyCounted("Hello"));
            }
        }
    }

    private static TokenUsage locallyCounted(String content) {
        long prompt = new TokenizerEstimator().estimate(REQUEST, TokenEncoding.O200K_BASE).expectedTokens();
        return new TokenUsage(prompt, Tokenizers.count(TokenEncoding.O200K_BASE, content));
    }
}

package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RouteInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirements 3.1 and 1.6 at the HTTP edge: {@code stream: true} answers Server-Sent Events exactly as
 * OpenAI does, a mid-stream failure ends in an error event, and a caller that goes away makes the
 * listener tell the router to stop.
 */
@DisplayName("Requirement 3.1/1.6: streaming as Server-Sent Events")
class StreamingApiTest {

    static final FakeRouter ROUTER = new FakeRouter();
    @RegisterExtension
    static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);
    static final String CHAT = "{\"model\":\"premium\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @Test
    void chunks_are_data_frames_ending_in_done() {
        HttpResponse<String> response = gateway.get().post("/v1/chat/completions", CHAT, "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("x-router-deployment")).hasValue("gpt-4o-eastus");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("299");
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
        assertThat(response.headers().firstValue("content-encoding")).isEmpty();
        StringBuilder expected = new StringBuilder();
        Outcomes.CHUNKS.forEach(c -> expected.append("data: ").append(c).append("\n\n"));
        expected.append("data: [DONE]\n\n");
        assertThat(response.body()).isEqualTo(expected.toString());
        assertThat(ROUTER.last().request().stream()).isTrue();
        assertThat(ROUTER.last().request().includeUsage()).isFalse();
    }

    @Test
    void the_usage_chunk_only_when_asked_for() {
        HttpResponse<String> response = gateway.get().post("/v1/chat/completions",
                "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(ROUTER.last().request().includeUsage()).isTrue();
        assertThat(response.body()).endsWith("data: " + Outcomes.USAGE_CHUNK + "\n\ndata: [DONE]\n\n");
    }

    @Test
    void a_mid_stream_failure_ends_with_an_error_event_and_no_done() {
        Failure cut = Failure.transport(FailureKind.STREAM_INTERRUPTED, "connection reset by deployment");
        ROUTER.streams((command, listener) -> {
            RouteInfo route = Outcomes.route("gpt-4o-eastus");
            listener.onStart(route, Outcomes.LIMITS);
            listener.onChunk(Outcomes.chunk(Outcomes.CHUNKS.get(0)));
            return new ChatOutcome.StreamBroken(route, Optional.of(cut), new TokenUsage(10, 1), Outcomes.COST,
                    List.of(Outcomes.success("gpt-4o-eastus")), Outcomes.LIMITS);
        });

        HttpResponse<String> response = gateway.get().post("/v1/chat/completions", CHAT, "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        String[] frames = response.body().split("\n\n");
        assertThat(frames).hasSize(2);
        assertThat(frames[0]).isEqualTo("data: " + Outcomes.CHUNKS.get(0));
        var error = ChatCompletionsApiTest.json(frames[1].substring("data: ".length()));
        assertThat(error.at("/error/message").asText()).isEqualTo("connection reset by deployment");
        assertThat(error.at("/error/code").asText()).isEqualTo("stream_interrupted");
        assertThat(response.body()).doesNotContain("[DONE]");
    }

    @Test
    void a_refusal_before_the_stream_starts_is_a_plain_json_error() {
        ROUTER.answers(new ChatOutcome.Refused(dev.llmrouter.ports.router.Refusal.of(
                dev.llmrouter.ports.router.Refusal.Reason.UNKNOWN_MODEL, "The model 'gpt-9' does not exist"),
                Outcomes.LIMITS));

        HttpResponse<String> response = gateway.get().post("/v1/chat/completions", CHAT, "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(ChatCompletionsApiTest.json(response.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void pretty_printed_chunks_still_make_single_events() {
        ROUTER.streams((command, listener) -> {
            RouteInfo route = Outcomes.route("gpt-4o-eastus");
            listener.onStart(route, Outcomes.LIMITS);
            listener.onChunk(Outcomes.chunk("{\n  \"choices\": []\r\n}"));
            return new ChatOutcome.Served(route, Optional.empty(), TokenUsage.NONE, Outcomes.COST,
                    List.of(Outcomes.success("gpt-4o-eastus")), Outcomes.LIMITS);
        });

        HttpResponse<String> response = gateway.get().post("/v1/chat/completions", CHAT, "Authorization", bearer(ENTERPRISE_KEY));

        assertThat(response.body()).isEqualTo("data: {\ndata:   \"choices\": []\ndata: }\n\ndata: [DONE]\n\n");
    }

    @Test
    void a_caller_that_goes_away_makes_on_chunk_answer_false() throws Exception {
        // given a router that streams until the listener says the caller is gone
        CompletableFuture<Integer> chunksWhenStopped = new CompletableFuture<>();
        CompletableFuture<Void> firstChunkSent = new CompletableFuture<>();
        CompletableFuture<Void> callerClosed = new CompletableFuture<>();
        ROUTER.streams((command, listener) -> {
            RouteInfo route = Outcomes.route("gpt-4o-eastus");
            listener.onStart(route, Outcomes.LIMITS);
            AtomicInteger sent = new AtomicInteger();
            String payload = Outcomes.CHUNKS.get(1);
            listener.onChunk(Outcomes.chunk(payload));
            firstChunkSent.complete(null);
            callerClosed.join();
            for (int i = 0; i < 1_000_000; i++) {
                if (!listener.onChunk(Outcomes.chunk(payload))) {
                    chunksWhenStopped.complete(sent.get());
                    return new ChatOutcome.StreamBroken(route, Optional.empty(), new TokenUsage(10, i), Outcomes.COST,
                            List.of(Outcomes.success("gpt-4o-eastus")), Outcomes.LIMITS);
                }
                sent.incrementAndGet();
            }
            chunksWhenStopped.complete(-1);
            return new ChatOutcome.Served(route, Optional.empty(), TokenUsage.NONE, Outcomes.COST, List.of(), Outcomes.LIMITS);
        });

        // when the caller reads the first event and hangs up
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.get().port), 5_000);
            socket.setSoTimeout(10_000);
            byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + ENTERPRISE_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null && !line.startsWith("data: ") && !line.matches("[0-9a-f]+")) {
                // skip the status line and headers (and a chunk-size line)
            }
            firstChunkSent.get(10, TimeUnit.SECONDS);
        }
        callerClosed.complete(null);

        // then the router is told to stop long before its million chunks
        assertThat(chunksWhenStopped.get(20, TimeUnit.SECONDS)).isBetween(0, 999_999);
        // and the gateway keeps serving
        assertThat(gateway.get().post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", bearer(ENTERPRISE_KEY)).statusCode()).isEqualTo(200);
    }
}

package dev.llmrouter.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fake Azure OpenAI upstream speaks HTTP/1.1 as a real client expects (here the JDK's client,
 * and raw sockets for what it never sends): the JSON answer with its length and Azure's headers, the
 * SSE stream chunked, a slow stream's first chunk at once and the rest only when released, keep-alive
 * with pipelined and chunked requests, a 404 for anything but chat completions.
 */
@DisplayName("Fake Azure upstream: JSON and SSE answers over HTTP/1.1 keep-alive, slow streams held without a thread")
class FakeAzureUpstreamTest {

    private FakeAzureUpstream upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        upstream = FakeAzureUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void a_chat_completion_is_json_with_its_length_and_azure_headers() throws Exception {
        HttpResponse<String> r = client.send(post("/openai/deployments/bench/chat/completions?api-version=2024-10-21",
                OverheadHarness.CHAT), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("x-ms-region")).hasValue("bench");
        assertThat(r.headers().firstValueAsLong("content-length")).hasValue(r.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(r.body()).isEqualTo(FakeAzureUpstream.COMPLETION);
        assertThat(upstream.requests()).isEqualTo(1);
    }

    @Test
    void a_responses_call_is_the_response_object_or_its_named_events_ending_in_response_completed() throws Exception {
        HttpResponse<String> plain = client.send(post("/openai/v1/responses", OverheadHarness.RESPONSES),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> streamed = client.send(post("/openai/v1/responses", OverheadHarness.RESPONSES_STREAM),
                HttpResponse.BodyHandlers.ofString());

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).isEqualTo(FakeAzureUpstream.RESPONSE);
        assertThat(streamed.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(streamed.body().lines().filter(l -> l.startsWith("event: ")).toList()).containsExactly(
                "event: response.created", "event: response.output_text.delta", "event: response.output_text.delta",
                "event: response.completed");
        assertThat(streamed.body()).doesNotContain("[DONE]");
    }

    @Test
    void a_stream_is_chunked_server_sent_events_ending_in_done() throws Exception {
        HttpResponse<String> r = client.send(post("/openai/deployments/bench/chat/completions", OverheadHarness.STREAM),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
        List<String> data = r.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(data).hasSize(6);
        assertThat(data.get(4)).contains("\"usage\"");
        assertThat(data.get(5)).isEqualTo("data: [DONE]");
    }

    @Test
    void a_slow_stream_sends_its_first_chunk_at_once_and_the_rest_when_released() throws Exception {
        // given streams held for a minute
        upstream.slowStreams(60_000);

        // when a stream is opened: its first frames arrive while the rest is held
        HttpResponse<InputStream> r = client.send(post("/openai/deployments/bench/chat/completions", OverheadHarness.STREAM),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader body = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(body.readLine()).startsWith("data: {").contains("\"role\":\"assistant\"");

        // then releasing the held streams finishes it
        upstream.slowStreams(0);
        String rest = body.lines().collect(Collectors.joining("\n")).strip();
        assertThat(rest).contains("\"usage\"").endsWith("data: [DONE]");
    }

    @Test
    void pipelined_and_chunked_requests_on_one_connection_are_answered_in_order_and_other_paths_are_404()
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", upstream.port())) {
            String stream = "{\"stream\" : true}";
            String requests = "POST /openai/deployments/a/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                    + "POST /openai/deployments/a/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(stream.length()) + "\r\n" + stream + "\r\n0\r\n\r\n"
                    + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String answers = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            int json = answers.indexOf("Content-Type: application/json");
            int sse = answers.indexOf("Content-Type: text/event-stream");
            int notFound = answers.indexOf("HTTP/1.1 404");
            assertThat(json).isNotNegative();
            assertThat(sse).isGreaterThan(json);
            assertThat(notFound).isGreaterThan(sse);
            assertThat(answers).contains("data: [DONE]").endsWith("{\"error\":\"not found\"}");
            assertThat(upstream.connections()).isEqualTo(1);
        }
    }

    private HttpRequest post(String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create(upstream.baseUrl() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fixture itself: each {@link Behaviour} answers what a real Azure OpenAI deployment would in
 * that fault, over a socket, and both journals (WireMock's and the answers) record it. The scenarios'
 * measurements are only as good as this.
 */
@DisplayName("Chaos fixture: a fake Azure deployment answers each fault as Azure would")
class FakeDeploymentTest {

    static FakeDeployment fake;
    static HttpClient http;

    @BeforeAll
    static void start() {
        fake = FakeDeployment.start("fixture-eastus", "gpt-4o");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void reset() {
        fake.reset();
    }

    HttpResponse<String> call(boolean stream) throws IOException, InterruptedException {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + (stream ? ",\"stream\":true" : "") + "}";
        return http.send(HttpRequest.newBuilder(URI.create(fake.baseUrl()
                        + "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"))
                .header("x-ms-client-request-id", "r-1").timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthy_answers_a_completion_with_usage_and_a_complete_stream() throws Exception {
        HttpResponse<String> plain = call(false);
        HttpResponse<String> stream = call(true);

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).contains("\"prompt_tokens\":12", "\"completion_tokens\":8");
        assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(stream.body()).endsWith("data: [DONE]\n\n").contains("\"choices\":[],\"usage\"");
        assertThat(fake.successfulCalls()).isEqualTo(2);
        assertThat(fake.answers()).extracting(FakeDeployment.Answer::requestId).containsOnly("r-1");
        assertThat(fake.requestCount()).isEqualTo(2);
    }

    @Test
    void throttling_sends_retry_after_in_the_style_asked() throws Exception {
        fake.throttled(Duration.ofMillis(400), Behaviour.RetryAfterStyle.MILLIS);
        HttpResponse<String> ms = call(false);
        fake.throttled(Duration.ofMillis(1200), Behaviour.RetryAfterStyle.SECONDS);
        HttpResponse<String> s = call(false);

        assertThat(ms.statusCode()).isEqualTo(429);
        assertThat(ms.headers().firstValue("retry-after-ms")).hasValue("400");
        assertThat(s.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(fake.answersOf(FakeDeployment.Kind.THROTTLED)).isEqualTo(2);
        assertThat(fake.successfulCalls()).isZero();
    }

    @Test
    void a_cut_stream_stops_after_its_chunks_without_done() throws Exception {
        fake.streamCutAfter(2);

        String body = call(true).body();

        assertThat(body).doesNotContain("[DONE]").doesNotContain("usage").contains(" word1").doesNotContain(" word2");
        assertThat(fake.answersOf(FakeDeployment.Kind.STREAM_CUT)).isEqualTo(1);
    }

    @Test
    void content_filter_and_context_length_carry_azure_codes() throws Exception {
        fake.contentFilter();
        HttpResponse<String> filtered = call(false);
        fake.contextLengthExceeded();
        HttpResponse<String> tooLong = call(false);

        assertThat(filtered.statusCode()).isEqualTo(400);
        assertThat(filtered.body()).contains("\"code\":\"content_filter\"", "ResponsibleAIPolicyViolation");
        assertThat(tooLong.body()).contains("\"code\":\"context_length_exceeded\"");
    }

    @Test
    void a_connection_reset_reaches_the_client_as_an_io_failure() {
        fake.broken(Fault.CONNECTION_RESET_BY_PEER);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(false)).isInstanceOf(IOException.class);
        assertThat(fake.answersOf(FakeDeployment.Kind.BROKEN)).isEqualTo(1);
    }

    @Test
    void unavailable_for_a_while_then_healthy() throws Exception {
        fake.unavailableFor(Duration.ofMillis(150));
        int first = call(false).statusCode();
        Eventually.await(Duration.ofSeconds(2), "healthy again", () -> {
            try {
                return call(false).statusCode() == 200;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        assertThat(first).isEqualTo(503);
        assertThat(fake.answers().get(0).kind()).isEqualTo(FakeDeployment.Kind.ERROR_STATUS);
        assertThat(fake.answers().get(fake.answers().size() - 1).success()).isTrue();
    }

    @Test
    void flapping_fails_at_about_its_seeded_rate() throws Exception {
        fake.flapping(0.3, 7);
        int failures = 0;
        for (int i = 0; i < 200; i++) {
            if (call(false).statusCode() == 503) {
                failures++;
            }
        }
        assertThat(failures).isBetween(40, 80);
        assertThat(fake.successfulCalls()).isEqualTo(200 - failures);
    }
}

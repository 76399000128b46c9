package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.3: a request body that stalls or trickles cannot hold a thread. Over a real socket, with a
 * body deadline of 500 ms (plus a second per 1,000 bytes): a body that stops short of its Content-Length,
 * a chunked body that never sends its last chunk, and a body that keeps arriving a byte at a time (never
 * idle, so an idle timeout alone would not end it) all get 408 in OpenAI's error shape soon after the
 * deadline, the connection is closed, the router never sees them, and the log holds no stack trace.
 */
@DisplayName("Requirement 9.3: stalled and trickling request bodies get 408, never 500")
class SlowBodyTest {

    private static final BodyReadLimits LIMITS = new BodyReadLimits(Duration.ofMillis(500), 1_000);
    /** Far below the 30 s of an idle connection, far above a scheduler's delay on a busy machine. */
    private static final long ANSWERED_WITHIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}";

    private final FakeRouter router = new FakeRouter();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private TestGateway gateway;

    @BeforeEach
    void start() {
        originalErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        gateway = TestGateway.withBodyRead(router, LIMITS);
    }

    @AfterEach
    void stop() {
        gateway.close();
        System.setErr(originalErr);
    }

    @Test
    void a_body_that_stops_short_of_its_content_length_gets_408() {
        try (RawHttp client = new RawHttp(gateway.port)) {
            // given a caller that declares 100 bytes and sends 2
            client.send(RawHttp.chatHead(ENTERPRISE_KEY, "Content-Length: 100")).send("{\"");

            // then it is answered 408 soon after the deadline, and the connection is closed
            RawHttp.Answer answer = client.answer();
            assertTimedOut(answer);
            assertThat(answer.nanosAfterLastByteSent()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(router.commands).isEmpty();
        assertNoStackTrace();
    }

    @Test
    void a_chunked_body_without_its_last_chunk_gets_408() {
        try (RawHttp client = new RawHttp(gateway.port)) {
            client.send(RawHttp.chatHead(ENTERPRISE_KEY, "Transfer-Encoding: chunked")).send("5\r\n{\"mes\r\n");

            RawHttp.Answer answer = client.answer();
            assertTimedOut(answer);
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(router.commands).isEmpty();
        assertNoStackTrace();
    }

    @Test
    void a_body_that_trickles_in_a_byte_at_a_time_gets_408_though_the_connection_is_never_idle() {
        byte[] body = CHAT.repeat(40).getBytes(StandardCharsets.UTF_8);
        try (RawHttp client = new RawHttp(gateway.port)) {
            client.send(RawHttp.chatHead(ENTERPRISE_KEY, "Content-Length: " + body.length));

            // when the caller sends a byte every 50 ms, each after a read that found no answer yet
            long started = System.nanoTime();
            int sent = client.drip(body, 50);
            RawHttp.Answer answer = client.answer();

            // then the answer came while bytes were still arriving, after the deadline and not long after it
            assertTimedOut(answer);
            assertThat(sent).isGreaterThan(3).isLessThan(body.length);
            assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500))
                    .isLessThan(ANSWERED_WITHIN_NANOS);
        }
        assertThat(router.commands).isEmpty();
        assertNoStackTrace();
    }

    @Test
    void a_whole_body_sent_at_once_is_served_and_the_connection_keeps_its_idle_timeout() {
        byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);
        try (RawHttp client = new RawHttp(gateway.port)) {
            client.send(RawHttp.chatHead(ENTERPRISE_KEY, "Content-Length: " + body.length)).send(CHAT);
            assertThat(client.answer().status()).isEqualTo(200);

            // and the same connection serves a second request (the deadline did not linger on it)
            client.send(RawHttp.chatHead(ENTERPRISE_KEY, "Content-Length: " + body.length)).send(CHAT);
            assertThat(client.answer().status()).isEqualTo(200);
        }
        assertThat(router.commands).hasSize(2);
    }

    @Test
    void the_deadline_grows_by_a_second_per_minimum_rate_of_bytes_received() {
        long start = 1_000;
        assertThat(LIMITS.deadlineNanos(start, 0)).isEqualTo(start + TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(LIMITS.deadlineNanos(start, 1_000)).isEqualTo(start + TimeUnit.MILLISECONDS.toNanos(1_500));
        assertThat(LIMITS.deadlineNanos(start, 2_500)).isEqualTo(start + TimeUnit.MILLISECONDS.toNanos(3_000));
        // a body past any real size does not overflow into the past
        assertThat(LIMITS.deadlineNanos(start, Long.MAX_VALUE)).isGreaterThan(start);
    }

    private static void assertTimedOut(RawHttp.Answer answer) {
        assertThat(answer.status()).isEqualTo(408);
        assertThat(answer.nanosAfterLastByteSent()).isLessThan(ANSWERED_WITHIN_NANOS);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.header("x-request-id")).isNotBlank();
        var json = ChatCompletionsApiTest.json(answer.body());
        assertThat(json.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(json.at("/error/code").asText()).isEqualTo("request_timeout");
        assertThat(json.at("/error/message").asText()).contains("did not arrive in time");
    }

    private void assertNoStackTrace() {
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain(" 500 ");
    }
}

package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.TWO_AT_ONCE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.3: a request refused before its body is read (too many requests in progress, a bad key, a
 * wrong content type) still reaches its caller, however large the upload, and the refusal holds no thread.
 * Over real sockets: a 2 MiB upload refused with 429 or 401 is answered in OpenAI's shape on every one of
 * many repetitions, both to a client that writes the whole body before it reads (the case a connection reset
 * loses) and to {@code java.net.http}; a caller that keeps trickling after its refusal is cut off within
 * {@link LingeringRefusal}'s bound; a refused body sent in full leaves a connection that serves the next
 * request.
 */
@DisplayName("Requirement 9.3: a refusal sent before the body is read reaches the client")
class RefusalBeforeBodyTest {

    private static final int UPLOAD = 2 * 1024 * 1024;
    private static final int REPETITIONS = 25;
    private static final String HOLD = "{\"messages\":[{\"role\":\"user\",\"content\":\"hold\"}]}";
    /** Far above a scheduler's delay on a busy machine, far below the time the whole body would take. */
    private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final int LINGERING = 20;
    private static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private final FakeRouter router = new FakeRouter();
    private final TestGateway gateway = TestGateway.withBodyRead(router, new BodyReadLimits(Duration.ofSeconds(2), 1_000));
    private final CountDownLatch entered = new CountDownLatch(2);
    private final CountDownLatch release = new CountDownLatch(1);

    RefusalBeforeBodyTest() {
        router.holdsMarked(() -> entered, () -> release);
    }

    @AfterEach
    void stop() {
        release.countDown();
        gateway.close();
    }

    @Test
    void a_429_before_a_large_upload_reaches_a_client_that_writes_the_whole_body_before_reading() {
        List<CompletableFuture<HttpResponse<String>>> held = holdBothSlots();
        for (int i = 0; i < REPETITIONS; i++) {
            RawHttp.Answer answer = uploadThenRead(TWO_AT_ONCE_KEY, "application/json");
            assertRefused(answer.status(), answer.body(), 429, "concurrency_limit_exceeded");
        }
        release.countDown();
        held.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    }

    @Test
    void a_401_before_a_large_upload_reaches_a_client_that_writes_the_whole_body_before_reading() {
        for (int i = 0; i < REPETITIONS; i++) {
            RawHttp.Answer answer = uploadThenRead("sk-not-a-key-0123456789", "application/json");
            assertRefused(answer.status(), answer.body(), 401, "invalid_api_key");
        }
    }

    @Test
    void a_415_before_a_large_upload_reaches_a_client_that_writes_the_whole_body_before_reading() {
        for (int i = 0; i < REPETITIONS; i++) {
            RawHttp.Answer answer = uploadThenRead(Fakes.ENTERPRISE_KEY, "text/plain");
            assertThat(answer.status()).as(answer.head()).isEqualTo(415);
        }
        assertThat(router.commands).isEmpty();
    }

    @Test
    void a_429_before_a_large_upload_reaches_java_net_http() {
        List<CompletableFuture<HttpResponse<String>>> held = holdBothSlots();
        byte[] body = upload();
        for (int i = 0; i < REPETITIONS; i++) {
            HttpResponse<String> answer = gateway.postBytes("/v1/chat/completions", body,
                    "Authorization", bearer(TWO_AT_ONCE_KEY), "Content-Type", "application/json");
            assertRefused(answer.statusCode(), answer.body(), 429, "concurrency_limit_exceeded");
        }
        release.countDown();
        held.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    }

    @Test
    void a_caller_that_trickles_after_its_refusal_is_cut_off_within_the_bound() throws IOException {
        List<CompletableFuture<HttpResponse<String>>> held = holdBothSlots();
        try (RawHttp client = new RawHttp(gateway.port)) {
            // given a refused upload of which only a little has come
            client.send(RawHttp.chatHead(TWO_AT_ONCE_KEY, "Content-Length: 1000000")).send("{\"messages\":");
            RawHttp.Answer answer = client.answer();
            assertRefused(answer.status(), answer.body(), 429, "concurrency_limit_exceeded");

            // when the caller keeps sending a byte every 50 ms after it
            long answered = System.nanoTime();
            int sent = trickleUntilClosed(client.socket(), 50);

            // then the gateway lingers for its base time, not for the whole body, and closes the connection
            long lingered = System.nanoTime() - answered;
            assertThat(sent).isGreaterThan(3);
            assertThat(lingered).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(LingeringRefusal.BASE_MILLIS) / 2)
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(LingeringRefusal.BASE_MILLIS) + SLACK_NANOS);
        }
        release.countDown();
        held.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    }

    @Test
    void refusals_lingering_over_their_bodies_hold_no_thread() throws IOException {
        QueuedThreadPool pool = (QueuedThreadPool) gateway.app.jettyServer().threadPool();
        int busyBefore = pool.getBusyThreads();
        List<RawHttp> clients = new ArrayList<>();
        try {
            // given many refused uploads whose callers are still within their lingering time
            for (int i = 0; i < LINGERING; i++) {
                RawHttp client = new RawHttp(gateway.port);
                clients.add(client);
                client.send(RawHttp.chatHead("sk-not-a-key-0123456789", "Content-Length: 1000000")).send("{");
                assertThat(client.answer().status()).isEqualTo(401);
            }

            // then no thread waits for their bodies
            assertThat(pool.getBusyThreads()).isLessThan(busyBefore + LINGERING / 2);

            // and each is closed within the bound
            long start = System.nanoTime();
            for (RawHttp client : clients) {
                assertThat(client.closedByServer()).isTrue();
            }
            assertThat(System.nanoTime() - start)
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(LingeringRefusal.BASE_MILLIS) + SLACK_NANOS);
        } finally {
            clients.forEach(RawHttp::close);
        }
    }

    @Test
    void a_refused_body_sent_in_full_leaves_a_connection_that_serves_the_next_request() {
        String body = CHAT.repeat(2_000);
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        try (RawHttp client = new RawHttp(gateway.port)) {
            client.send(RawHttp.chatHead("sk-not-a-key-0123456789", "Content-Length: " + length)).send(body);
            RawHttp.Answer refused = client.answer();
            assertRefused(refused.status(), refused.body(), 401, "invalid_api_key");
            assertThat(refused.header("Connection")).isNull();

            int chat = CHAT.getBytes(StandardCharsets.UTF_8).length;
            client.send(RawHttp.chatHead(Fakes.ENTERPRISE_KEY, "Content-Length: " + chat)).send(CHAT);
            assertThat(client.answer().status()).isEqualTo(200);
        }
        assertThat(router.commands).hasSize(1);
    }

    /** Sends a byte each time {@code everyMillis} pass without the server closing; the bytes sent. */
    private static int trickleUntilClosed(Socket socket, int everyMillis) throws IOException {
        socket.setSoTimeout(everyMillis);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int sent = 0;
        while (true) {
            try {
                out.write(' ');
                out.flush();
                sent++;
                if (in.read() < 0) {
                    return sent;
                }
                throw new AssertionError("the gateway answered a second time");
            } catch (SocketTimeoutException stillOpen) {
                // the wait between two bytes
            } catch (SocketException closed) {
                return sent;
            }
        }
    }

    /**
     * A client that writes its whole request, headers and a 2 MiB body, and only then reads: the answer must
     * still be there to read (not lost to a reset because the gateway closed with the body unread).
     */
    private RawHttp.Answer uploadThenRead(String key, String contentType) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + UPLOAD + "\r\n\r\n";
            // the write runs apart so that a gateway that neither reads nor closes fails the test, not hangs it
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    out.write(upload());
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            written.get(20, TimeUnit.SECONDS);
            return RawHttp.read(socket.getInputStream());
        } catch (Exception e) {
            throw new AssertionError("the refusal did not reach the client: " + e, e);
        }
    }

    private static byte[] upload() {
        byte[] body = new byte[UPLOAD];
        Arrays.fill(body, (byte) 'a');
        return body;
    }

    private static void assertRefused(int status, String body, int expectedStatus, String code) {
        assertThat(status).as(body).isEqualTo(expectedStatus);
        JsonNode error = ChatCompletionsApiTest.json(body).at("/error");
        assertThat(error.at("/code").asText()).isEqualTo(code);
        assertThat(error.at("/message").asText()).isNotBlank();
    }

    private List<CompletableFuture<HttpResponse<String>>> holdBothSlots() {
        List<CompletableFuture<HttpResponse<String>>> held = List.of(postAsync(HOLD), postAsync(HOLD));
        FakeRouter.await(entered);
        return held;
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return gateway.http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.base() + "/v1/chat/completions"))
                .header("Authorization", bearer(TWO_AT_ONCE_KEY)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }


}

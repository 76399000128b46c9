package dev.llmrouter.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The open-loop load generator against real servers on sockets: the fake upstream, and a scripted
 * server that answers in awkward but legal ways (chunks split across writes, chunk extensions,
 * trailers, several answers on one keep-alive connection, a body delimited by the close). Proves the
 * status and body framing, keep-alive reuse and the connection cap, a stream's latency being the time
 * to its first data frame (not to its end), and the counting of errors and unanswered requests.
 */
@DisplayName("Open-loop load generator: framing, keep-alive, first-frame timing and error counting on real sockets")
class OpenLoopLoadTest {

    private static final Map<String, String> JSON = Map.of("content-type", "application/json");
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void every_json_answer_of_the_upstream_is_counted_ok_over_one_reused_connection() throws IOException {
        // given the upstream and a client allowed a single connection
        FakeAzureUpstream upstream = keep(FakeAzureUpstream.start());
        OpenLoopLoad load = keep(new OpenLoopLoad(1, Duration.ofSeconds(10)));

        // when 40 requests fall due at 400 req/s
        OpenLoopLoad.Result r = load.run("direct", chat(upstream), JSON, OverheadHarness.CHAT, 400, Duration.ofMillis(100), false);

        // then all are answered 200 on one keep-alive connection (due requests waited for it)
        assertThat(r.sent()).isEqualTo(40);
        assertThat(r.ok()).as(r.firstError()).isEqualTo(40);
        assertThat(r.errors()).isZero();
        assertThat(r.latencyMicros().getTotalCount()).isEqualTo(40);
        assertThat(upstream.requests()).isEqualTo(40);
        assertThat(upstream.connections()).isEqualTo(1);
    }

    @Test
    void a_stream_is_timed_to_its_first_data_frame_not_to_its_end() throws IOException {
        // given an upstream that sends the first chunk at once and the rest 1.5 s later
        FakeAzureUpstream upstream = keep(FakeAzureUpstream.start());
        upstream.slowStreams(1_500);
        OpenLoopLoad load = keep(new OpenLoopLoad());

        // when one stream is run to its end
        OpenLoopLoad.Result r = load.run("stream", chat(upstream), JSON, OverheadHarness.STREAM, 10, Duration.ofMillis(100), true);

        // then it is ok (it ended properly) and its latency is far below the 1.5 s the end took
        assertThat(r.ok()).as(r.firstError()).isEqualTo(1);
        assertThat(r.p(100)).isLessThan(1_000.0);
    }

    @Test
    void held_streams_count_as_open_at_their_first_frame_and_stay_open_until_closed() throws IOException {
        // given an upstream holding every stream after its first chunk
        FakeAzureUpstream upstream = keep(FakeAzureUpstream.start());
        upstream.slowStreams(60_000);
        OpenLoopLoad load = keep(new OpenLoopLoad());

        // when 30 streams are opened
        try (OpenLoopLoad.Held held = load.openStreams(chat(upstream), JSON, OverheadHarness.STREAM, 30, 1_000,
                Duration.ofSeconds(20))) {
            // then all opened end to end, on 30 connections, while none has ended
            assertThat(held.opened()).as(held.firstError()).isEqualTo(30);
            assertThat(held.timeToOpenMicros().getTotalCount()).isEqualTo(30);
            assertThat(load.openConnections()).isEqualTo(30);
        } finally {
            upstream.slowStreams(0);
        }
        assertThat(load.openConnections()).isZero();
    }

    @Test
    void chunked_keep_alive_and_close_delimited_answers_are_framed() throws IOException {
        // given a server answering four requests on one connection, then one whose body ends at the close
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;name=value\r\n{\"a\"\r\n" + "3\r\n:1}\r\n" + "0\r\nTrailer: x\r\n\r\n";
        String sse = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "c\r\n: keepalive\n\r\n" + "f\r\ndata: {\"x\":1}\n\n\r\n" + "e\r\ndata: [DONE]\n\n\r\n" + "0\r\n\r\n";
        String sized = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        String untilClose = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"no\":\"length\"}";
        ScriptedServer server = keep(new ScriptedServer(List.of(chunked, chunked, sized, chunked, untilClose)));
        OpenLoopLoad load = keep(new OpenLoopLoad(1, Duration.ofSeconds(10)));

        // when five plain requests and then two streams are sent
        OpenLoopLoad.Result plain = load.run("plain", server.uri(), JSON, new byte[] {'{', '}'}, 100, Duration.ofMillis(50), false);
        ScriptedServer streams = keep(new ScriptedServer(List.of(sse, sse)));
        OpenLoopLoad.Result stream = load.run("sse", streams.uri(), JSON, new byte[] {'{', '}'}, 100, Duration.ofMillis(20), true);

        // then every answer was framed: the first four on one connection, the fifth closed it
        assertThat(plain.ok()).as(plain.firstError()).isEqualTo(5);
        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.bodies()).hasSize(5).allSatisfy(b -> assertThat(b).isEqualTo("{}"));
        assertThat(stream.ok()).as(stream.firstError()).isEqualTo(2);
        assertThat(streams.connections()).isEqualTo(1);
    }

    @Test
    void non_200_answers_error_frames_refused_and_unanswered_requests_are_errors() throws IOException {
        // a 404 from the upstream (wrong path)
        FakeAzureUpstream upstream = keep(FakeAzureUpstream.start());
        OpenLoopLoad load = keep(new OpenLoopLoad(OpenLoopLoad.DEFAULT_MAX_CONNECTIONS, Duration.ofMillis(300)));
        OpenLoopLoad.Result notFound = load.run("404", URI.create(upstream.baseUrl() + "/nowhere"), JSON,
                OverheadHarness.CHAT, 100, Duration.ofMillis(50), false);
        assertThat(notFound.ok()).isZero();
        assertThat(notFound.errors()).isEqualTo(5);
        assertThat(notFound.firstError()).isEqualTo("status 404");

        // a stream whose first frame is an error
        String errorFrame = "data: {\"error\":{\"code\":\"upstream_failed\"}}\n\n";
        ScriptedServer failing = keep(new ScriptedServer(List.of("HTTP/1.1 200 OK\r\nContent-Length: "
                + errorFrame.length() + "\r\n\r\n" + errorFrame)));
        OpenLoopLoad.Result broken = load.run("error-frame", failing.uri(), JSON, OverheadHarness.STREAM, 10,
                Duration.ofMillis(100), true);
        assertThat(broken.errors()).isEqualTo(1);
        assertThat(broken.firstError()).isEqualTo("error frame");

        // a port nobody listens on
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        OpenLoopLoad.Result refused = load.run("refused", URI.create("http://127.0.0.1:" + closedPort + "/"), JSON,
                OverheadHarness.CHAT, 100, Duration.ofMillis(50), false);
        assertThat(refused.errors()).isEqualTo(5);
        assertThat(refused.ok()).isZero();

        // a server that reads the requests and never answers: unanswered once the drain time is over
        ScriptedServer silent = keep(new ScriptedServer(List.of()));
        OpenLoopLoad.Result unanswered = load.run("silent", silent.uri(), JSON, OverheadHarness.CHAT, 100,
                Duration.ofMillis(50), false);
        assertThat(unanswered.errors()).isEqualTo(5);
        assertThat(unanswered.unanswered()).isEqualTo(5);

        // a server that closes the connection without answering
        ScriptedServer hangsUp = keep(new ScriptedServer(List.of("")));
        OpenLoopLoad.Result cut = load.run("cut", hangsUp.uri(), JSON, OverheadHarness.CHAT, 10, Duration.ofMillis(100), false);
        assertThat(cut.errors()).isEqualTo(1);
        assertThat(cut.firstError()).isEqualTo("closed before answering");
    }

    private static URI chat(FakeAzureUpstream upstream) {
        return URI.create(upstream.baseUrl() + "/openai/deployments/bench/chat/completions?api-version=2024-10-21");
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /**
     * A blocking server answering each request (head plus Content-Length body) with the next scripted
     * answer, written in small pieces with a flush between them so the client sees them split across
     * reads. An empty answer closes the connection without answering; with no answers left it reads on
     * and never answers; an answer with {@code Connection: close} is followed by the close.
     */
    static final class ScriptedServer implements AutoCloseable {
        private final ServerSocket socket;
        private final ConcurrentLinkedQueue<String> answers;
        private final AtomicInteger connections = new AtomicInteger();
        private final List<String> bodies = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());

        ScriptedServer(List<String> answers) throws IOException {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.answers = new ConcurrentLinkedQueue<>(answers);
            Thread t = new Thread(this::acceptLoop, "scripted-server");
            t.setDaemon(true);
            t.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1/chat/completions");
        }

        int connections() {
            return connections.get();
        }

        List<String> bodies() {
            return bodies;
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "scripted-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    int length = contentLength(head);
                    bodies.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                    String answer = answers.poll();
                    if (answer == null) {
                        continue; // never answers
                    }
                    if (answer.isEmpty()) {
                        return; // hangs up
                    }
                    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                    for (int at = 0; at < bytes.length; at += 7) {
                        out.write(bytes, at, Math.min(7, bytes.length - at));
                        out.flush();
                    }
                    if (answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close")) {
                        return;
                    }
                }
            } catch (IOException gone) {
                // the client closed the connection
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            return 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}

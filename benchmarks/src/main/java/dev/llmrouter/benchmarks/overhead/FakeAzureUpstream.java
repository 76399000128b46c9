package dev.llmrouter.benchmarks.overhead;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake Azure OpenAI deployment that answers at once, so that what a load test measures through the
 * gateway is the gateway. It answers {@code POST /openai/deployments/{name}/chat/completions}: JSON
 * (with {@code Content-Length}) when the body does not contain {@code "stream":true}, otherwise an
 * SSE stream (chunked) of a few chunks, a usage chunk and {@code [DONE]};
 * {@code POST /openai/deployments/{name}/embeddings}: one small vector per call, in JSON; the Responses
 * API's {@code POST /openai/v1/responses} alike (the response object, or its named events ending in
 * {@code response.completed}); anything else is a 404.
 * Both carry {@code x-ms-region} and the content types Azure sends, which is all the gateway's Azure
 * SDK client looks at. With {@link #slowStreams slow streams} on, a stream sends its first chunk at
 * once and the rest only after the delay (to hold many streams open).
 *
 * <p>It is lean because it shares the machine's two cores with the gateway and the load generator:
 * one thread runs a selector loop over every connection (HTTP/1.1 keep-alive, {@code TCP_NODELAY},
 * requests parsed in place, pipelined ones in order), the answers are encoded once at class load,
 * and a slow stream is a timer in the loop's queue, not a thread: 1,000 held streams cost 1,000
 * queue entries. (The JDK's HttpServer it replaces spent a thread hand-off and several copies per
 * request and was itself the bottleneck of the direct path at 5,000 req/s.)
 */
public final class FakeAzureUpstream implements AutoCloseable {

    static final String COMPLETION = """
            {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",\
            "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello from the bench."}}],\
            "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}""";

    static final String EMBEDDING = """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0123,-0.0456,0.0789,0.0012,\
            -0.0345,0.0678,-0.0901,0.0234]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":6,"total_tokens":6}}""";

    private static final String[] CHUNKS = {
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" from the bench.\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}"
    };

    private static final String HEADERS_COMMON = "x-ms-region: bench\r\napim-request-id: bench\r\n";
    /** The whole JSON answer. */
    private static final ByteBuffer JSON = bytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + HEADERS_COMMON
            + "Content-Length: " + COMPLETION.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + COMPLETION);
    /** A stream's head and first chunk (the role and the first word). */
    private static final ByteBuffer STREAM_HEAD = bytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + HEADERS_COMMON + "Transfer-Encoding: chunked\r\n\r\n" + chunk(frame(CHUNKS[0]) + frame(CHUNKS[1])));
    /** The rest of a stream: the last words, the usage chunk, {@code [DONE]}, the last chunk. */
    private static final ByteBuffer STREAM_REST = bytes(
            chunk(frame(CHUNKS[2]) + frame(CHUNKS[3]) + frame(CHUNKS[4]) + "data: [DONE]\n\n") + "0\r\n\r\n");
    private static final ByteBuffer EMBEDDING_JSON = bytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + HEADERS_COMMON + "Content-Length: " + EMBEDDING.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + EMBEDDING);
    static final String RESPONSE = "{\"id\":\"resp_bench\",\"object\":\"response\",\"created_at\":1700000000,"
            + "\"status\":\"completed\",\"model\":\"gpt-4o-mini\",\"output\":[{\"id\":\"msg_bench\",\"type\":\"message\","
            + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
            + "\"text\":\"Hello from the bench.\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":12,"
            + "\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":5,"
            + "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":17}}";
    /** The whole Responses answer. */
    private static final ByteBuffer RESPONSES_JSON = bytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + HEADERS_COMMON + "Content-Length: " + RESPONSE.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + RESPONSE);
    /** A Responses stream, whole: created, two deltas, the text done, completed with the usage. */
    private static final ByteBuffer RESPONSES_STREAM = bytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + HEADERS_COMMON + "Transfer-Encoding: chunked\r\n\r\n"
            + chunk(event("response.created", "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
                    + RESPONSE.replace("\"completed\"", "\"in_progress\"") + "}")
                    + event("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
                            + "\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hello\"}"))
            + chunk(event("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":2,"
                    + "\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"delta\":\" from the bench.\"}")
                    + event("response.completed", "{\"type\":\"response.completed\",\"sequence_number\":3,\"response\":"
                            + RESPONSE + "}"))
            + "0\r\n\r\n");
    private static final ByteBuffer NOT_FOUND = bytes("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
            + "Content-Length: 21\r\n\r\n{\"error\":\"not found\"}");
    private static final ByteBuffer BAD_REQUEST = bytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    private static final ByteBuffer CONTINUE = bytes("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] STREAM_TRUE = "\"stream\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PATH_PREFIX = "/openai/deployments/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PATH_SUFFIX = "/chat/completions".getBytes(StandardCharsets.US_ASCII);
    /** A request whose head is not complete within this many bytes is refused. */
    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread loop;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile long slowStreamMillis;
    private volatile boolean release;
    private volatile boolean running = true;
    private long timerSequence;

    private FakeAzureUpstream(ServerSocketChannel server, Selector selector) {
        this.server = server;
        this.selector = selector;
        this.loop = new Thread(this::loop, "fake-azure-upstream");
        loop.setDaemon(true);
    }

    /** Listens on a free loopback port, one selector thread. */
    public static FakeAzureUpstream start() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        server.configureBlocking(false);
        Selector selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        FakeAzureUpstream upstream = new FakeAzureUpstream(server, selector);
        upstream.loop.start();
        return upstream;
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Requests answered so far (every path). */
    public long requests() {
        return requests.get();
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /**
     * From now on, streams send their first chunk at once and the rest after {@code millis}; 0 turns
     * slow streams off and finishes those waiting at once.
     */
    public void slowStreams(long millis) {
        this.slowStreamMillis = millis;
        if (millis <= 0) {
            release = true;
            selector.wakeup();
        }
    }

    private void loop() {
        try {
            while (running) {
                long timeout = 0;
                Timer next = timers.peek();
                if (next != null) {
                    timeout = Math.max(1, (next.at - System.nanoTime() + 999_999) / 1_000_000);
                }
                selector.select(this::onKey, timeout);
                boolean releaseAll = release;
                if (releaseAll) {
                    release = false;
                }
                long now = System.nanoTime();
                while ((next = timers.peek()) != null && (releaseAll || next.at <= now)) {
                    timers.poll();
                    finishStream(next.conn);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
            }
        }
    }

    private void onKey(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept();
            return;
        }
        Conn c = (Conn) key.attachment();
        try {
            if (key.isWritable()) {
                flush(c);
            }
            if (key.isValid() && key.isReadable()) {
                read(c);
            }
        } catch (IOException e) {
            close(c);
        }
    }

    private void accept() {
        SocketChannel ch;
        try {
            while ((ch = server.accept()) != null) {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(ch);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                connections.incrementAndGet();
            }
        } catch (IOException e) {
            // one failed accept (e.g. out of descriptors) does not stop the server
        }
    }

    private void read(Conn c) throws IOException {
        ByteBuffer b = readBuffer;
        b.clear();
        int n = c.channel.read(b);
        if (n < 0) {
            close(c);
            return;
        }
        b.flip();
        c.append(b);
        serve(c);
    }

    /** Answers every complete request in the connection's buffer, in order, until one is a held stream. */
    private void serve(Conn c) throws IOException {
        while (!c.holding && !c.closed) {
            int head = headEnd(c.in, c.length);
            if (head < 0) {
                if (c.length > MAX_HEAD) {
                    answer(c, BAD_REQUEST.duplicate());
                    c.closeAfterWrite = true;
                    flush(c);
                }
                return;
            }
            Request r = Request.parse(c.in, head);
            if (r == null) {
                answer(c, BAD_REQUEST.duplicate());
                c.closeAfterWrite = true;
                flush(c);
                return;
            }
            int bodyStart = head + 4;
            int bodyEnd;
            byte[] body = c.in;
            int from = bodyStart;
            if (r.chunked) {
                Chunked decoded = dechunk(c.in, bodyStart, c.length);
                if (decoded == null) {
                    continueIfAsked(c, r);
                    return;
                }
                bodyEnd = decoded.end();
                body = decoded.body();
                from = 0;
            } else {
                if (c.length - bodyStart < r.contentLength) {
                    continueIfAsked(c, r);
                    return;
                }
                bodyEnd = bodyStart + (int) r.contentLength;
            }
            int bodyLength = r.chunked ? body.length : bodyEnd - bodyStart;
            requests.incrementAndGet();
            if (r.close) {
                c.closeAfterWrite = true;
            }
            if (r.embeddings) {
                answer(c, EMBEDDING_JSON.duplicate());
            } else if (r.responses) {
                answer(c, isStream(body, from, from + bodyLength) ? RESPONSES_STREAM.duplicate() : RESPONSES_JSON.duplicate());
            } else if (!r.chatCompletions) {
                answer(c, NOT_FOUND.duplicate());
            } else if (!isStream(body, from, from + bodyLength)) {
                answer(c, JSON.duplicate());
            } else {
                long delay = slowStreamMillis;
                if (delay <= 0) {
                    answer(c, STREAM_HEAD.duplicate(), STREAM_REST.duplicate());
                } else {
                    answer(c, STREAM_HEAD.duplicate());
                    c.holding = true;
                    timers.add(new Timer(System.nanoTime() + delay * 1_000_000L, timerSequence++, c));
                }
            }
            c.consume(bodyEnd);
            c.continued = false;
            flush(c);
        }
    }

    private void continueIfAsked(Conn c, Request r) throws IOException {
        if (r.expectContinue && !c.continued) {
            c.continued = true;
            answer(c, CONTINUE.duplicate());
            flush(c);
        }
    }

    private void finishStream(Conn c) {
        if (c.closed) {
            return;
        }
        c.holding = false;
        try {
            answer(c, STREAM_REST.duplicate());
            flush(c);
            serve(c); // requests pipelined behind the stream
        } catch (IOException e) {
            close(c);
        }
    }

    private static void answer(Conn c, ByteBuffer... parts) {
        c.out.addAll(Arrays.asList(parts));
    }

    private void flush(Conn c) throws IOException {
        while (!c.out.isEmpty()) {
            ByteBuffer b = c.out.peekFirst();
            c.channel.write(b);
            if (b.hasRemaining()) {
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
            c.out.pollFirst();
        }
        if (c.closeAfterWrite) {
            close(c);
            return;
        }
        c.key.interestOps(SelectionKey.OP_READ);
    }

    private void close(Conn c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    /** Index of the CRLFCRLF ending the request head, or -1. */
    static int headEnd(byte[] b, int length) {
        for (int i = 3; i < length; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i - 3;
            }
        }
        return -1;
    }

    /** A de-chunked request body and where its chunked form ends in the buffer. */
    record Chunked(int end, byte[] body) {}

    /** Decodes a chunked body starting at {@code from}; null while it is not complete. */
    static Chunked dechunk(byte[] b, int from, int length) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int read = from;
        while (true) {
            int lineEnd = indexOfCrlf(b, read, length);
            if (lineEnd < 0) {
                return null;
            }
            int size = 0;
            for (int i = read; i < lineEnd; i++) {
                int d = Character.digit(b[i], 16);
                if (d < 0) {
                    break;
                }
                size = size * 16 + d;
            }
            read = lineEnd + 2;
            if (size == 0) {
                // trailers, up to an empty line
                while (true) {
                    int end = indexOfCrlf(b, read, length);
                    if (end < 0) {
                        return null;
                    }
                    boolean empty = end == read;
                    read = end + 2;
                    if (empty) {
                        return new Chunked(read, body.toByteArray());
                    }
                }
            }
            if (length - read < size + 2) {
                return null;
            }
            body.write(b, read, size);
            read += size + 2;
        }
    }

    private static int indexOfCrlf(byte[] b, int from, int length) {
        for (int i = from; i + 1 < length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Whether the JSON body sets {@code "stream": true} (any whitespace around the colon). */
    static boolean isStream(byte[] b, int from, int to) {
        outer:
        for (int i = from; i + STREAM_TRUE.length <= to; i++) {
            for (int j = 0; j < STREAM_TRUE.length; j++) {
                if (b[i + j] != STREAM_TRUE[j]) {
                    continue outer;
                }
            }
            int k = skipSpace(b, i + STREAM_TRUE.length, to);
            if (k < to && b[k] == ':') {
                k = skipSpace(b, k + 1, to);
                if (k + 4 <= to && b[k] == 't' && b[k + 1] == 'r' && b[k + 2] == 'u' && b[k + 3] == 'e') {
                    return true;
                }
            }
        }
        return false;
    }

    private static int skipSpace(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
            server.close();
        } catch (IOException ignored) {
            // the port is released either way
        }
    }

    private static String event(String type, String json) {
        return "event: " + type + "\n" + frame(json);
    }

    private static String frame(String json) {
        return "data: " + json + "\n\n";
    }

    private static String chunk(String data) {
        int n = data.getBytes(StandardCharsets.UTF_8).length;
        return Integer.toHexString(n) + "\r\n" + data + "\r\n";
    }

    private static ByteBuffer bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(b.length).put(b).flip().asReadOnlyBuffer();
    }

    /** The parts of a request head the fake looks at. */
    private record Request(boolean chatCompletions, boolean responses, long contentLength, boolean chunked, boolean close,
            boolean expectContinue, boolean embeddings) {

        static Request parse(byte[] b, int headEnd) {
            int lineEnd = indexOfCrlf(b, 0, headEnd + 2);
            if (lineEnd < 0) {
                return null;
            }
            String requestLine = new String(b, 0, lineEnd, StandardCharsets.ISO_8859_1);
            String[] parts = requestLine.split(" ");
            if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                return null;
            }
            String path = parts[1];
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            boolean chat = parts[0].equals("POST") && path.length() > PATH_PREFIX.length + PATH_SUFFIX.length
                    && path.startsWith("/openai/deployments/") && path.endsWith("/chat/completions");
            boolean embeddings = parts[0].equals("POST") && path.startsWith("/openai/deployments/") && path.endsWith("/embeddings");
            long contentLength = 0;
            boolean chunked = false;
            boolean close = parts[2].equals("HTTP/1.0");
            boolean expect = false;
            int at = lineEnd + 2;
            while (at < headEnd + 2) {
                int end = indexOfCrlf(b, at, headEnd + 2);
                if (end < 0) {
                    break;
                }
                String line = new String(b, at, end - at, StandardCharsets.ISO_8859_1);
                at = end + 2;
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
                String value = line.substring(colon + 1).trim().toLowerCase(java.util.Locale.ROOT);
                switch (name) {
                    case "content-length" -> {
                        try {
                            contentLength = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            return null;
                        }
                    }
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close") || (close && !value.contains("keep-alive"));
                    case "expect" -> expect = value.equals("100-continue");
                    default -> {
                        // not needed
                    }
                }
            }
            if (contentLength < 0 || contentLength > Integer.MAX_VALUE / 2) {
                return null;
            }
            boolean responses = parts[0].equals("POST") && path.equals("/openai/v1/responses");
            return new Request(chat, responses, contentLength, chunked, close, expect, embeddings);
        }
    }

    /** One connection: bytes read and not yet answered, answers not yet written. */
    private static final class Conn {
        final SocketChannel channel;
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(4);
        SelectionKey key;
        byte[] in = new byte[4096];
        int length;
        boolean holding;
        boolean continued;
        boolean closeAfterWrite;
        boolean closed;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        void append(ByteBuffer b) {
            int n = b.remaining();
            if (length + n > in.length) {
                in = Arrays.copyOf(in, Math.max(in.length * 2, length + n));
            }
            b.get(in, length, n);
            length += n;
        }

        void consume(int n) {
            System.arraycopy(in, n, in, 0, length - n);
            length -= n;
        }
    }

    /** A held stream's time to finish; ties keep arrival order. */
    private record Timer(long at, long sequence, Conn conn) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}

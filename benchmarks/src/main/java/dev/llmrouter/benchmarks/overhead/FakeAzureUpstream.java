package dev.llmrouter.benchmarks.overhead;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake Azure OpenAI deployment that answers at once, so that what a load test measures through the
 * gateway is the gateway. It answers {@code POST /openai/deployments/{name}/chat/completions}: JSON
 * when the body does not contain {@code "stream":true}, otherwise an SSE stream of a few chunks and a
 * usage chunk. With {@code slowStreamMillis > 0} a stream sends its first chunk at once and the rest
 * only after that delay (to hold many streams open).
 */
public final class FakeAzureUpstream implements AutoCloseable {

    static final String COMPLETION = """
            {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",\
            "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello from the bench."}}],\
            "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}""";

    private static final String[] CHUNKS = {
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" from the bench.\"},\"finish_reason\":null}]}",
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}"
    };

    private final HttpServer server;
    private final ExecutorService workers;
    private final ScheduledExecutorService slow = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong requests = new AtomicLong();
    private volatile long slowStreamMillis;

    private FakeAzureUpstream(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    public static FakeAzureUpstream start(int threads) throws IOException {
        // The JDK server leaves Nagle's algorithm on unless told otherwise: the headers and the body
        // go out as two writes, and the second waits for the client's delayed ACK (~40 ms on Linux).
        // That, not the server's work, is what made the direct path jump to 40 ms at 1,000 req/s.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        FakeAzureUpstream upstream = new FakeAzureUpstream(server, workers);
        server.createContext("/", upstream::handle);
        server.setExecutor(workers);
        server.start();
        return upstream;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public long requests() {
        return requests.get();
    }

    public void slowStreams(long millis) {
        this.slowStreamMillis = millis;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String request = new String(body, StandardCharsets.UTF_8);
        boolean stream = request.replace(" ", "").contains("\"stream\":true");
        exchange.getResponseHeaders().add("x-ms-region", "bench");
        if (!stream) {
            byte[] json = COMPLETION.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, json.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(json);
            }
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        writeFrame(out, CHUNKS[0]);
        writeFrame(out, CHUNKS[1]);
        out.flush();
        long delay = slowStreamMillis;
        if (delay <= 0) {
            finish(out);
        } else {
            slow.schedule(() -> {
                try {
                    finish(out);
                } catch (IOException ignored) {
                    // the client went away; nothing to finish
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private static void finish(OutputStream out) throws IOException {
        try (out) {
            for (int i = 2; i < CHUNKS.length; i++) {
                writeFrame(out, CHUNKS[i]);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void writeFrame(OutputStream out, String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        slow.shutdownNow();
    }
}

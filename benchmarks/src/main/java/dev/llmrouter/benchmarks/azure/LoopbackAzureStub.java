package dev.llmrouter.benchmarks.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A lean Azure OpenAI stand-in on loopback for transport measurements: the JDK's own HTTP server,
 * no matching engine, no request journal. A POST whose body asks for {@code "stream":true} gets five
 * SSE events (four deltas and a usage chunk) and {@code [DONE]}, each written and flushed on its own
 * (chunked), as a deployment streams them; any other POST gets one JSON chat completion.
 *
 * <p>Run in its own process (by {@link AzureTransportAB}) so that the client's CPU time can be read
 * from the client process alone. It prints {@code port=N} once listening and stops when its standard
 * input closes (so it never outlives the harness). Start it with {@code -Dsun.net.httpserver.nodelay=true}
 * so small answers are not held back by Nagle's algorithm.
 */
public final class LoopbackAzureStub {

    static final byte[] REPLY = AzureAdapterOverhead.REPLY.getBytes(StandardCharsets.UTF_8);
    static final byte[][] EVENTS = events();

    private LoopbackAzureStub() {}

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", LoopbackAzureStub::handle);
        server.start();
        System.out.println("port=" + server.getAddress().getPort());
        System.out.flush();
        // Stop with the parent: its end closes our standard input.
        while (System.in.read() >= 0) {
            // nothing to read; wait for EOF
        }
        server.stop(0);
        System.exit(0);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        boolean stream = new String(body, StandardCharsets.UTF_8).contains("\"stream\":true");
        if (stream) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = exchange.getResponseBody()) {
                for (byte[] event : EVENTS) {
                    out.write(event);
                    out.flush();
                }
            }
        } else {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, REPLY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(REPLY);
            }
        }
    }

    private static byte[][] events() {
        String[] parts = AzureAdapterOverhead.sse().split("(?<=\n\n)");
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }
}

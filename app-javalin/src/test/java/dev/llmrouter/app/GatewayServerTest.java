package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.app.http.GatewayContext;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The app factory starts the real server on a free port: requests run on virtual threads where the
 * runtime has them (a bounded pool otherwise), and a stop lets requests in flight finish.
 */
@DisplayName("Gateway server: free port, thread model, graceful stop")
class GatewayServerTest {

    private final HttpClient client = HttpClient.newHttpClient();

    /** A stand-in HTTP layer for this test: a blocking route and a route that tells which thread serves it. */
    static final class TestHttp {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<Thread> servedBy = new AtomicReference<>();

        Javalin create(GatewayContext context) {
            return Javalin.create(config -> {
                config.routes.get("/health/ready", ctx -> ctx.result("ok"));
                config.routes.get("/thread", ctx -> {
                    servedBy.set(Thread.currentThread());
                    ctx.result(Thread.currentThread().getName());
                });
                config.routes.get("/slow", ctx -> {
                    entered.countDown();
                    ctx.result(release.await(10, TimeUnit.SECONDS) ? "finished" : "gave up");
                });
            });
        }
    }

    private Gateway start(TestHttp http, Duration grace) {
        var config = GatewayTest.embedded();
        config = config.withServer(config.server().withPort(0).withShutdownGrace(grace));
        return Gateway.build(config, GatewayTest.testOptions().withHttp(http::create)).start();
    }

    private HttpResponse<String> get(Gateway gateway, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(gateway.baseUri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void it_starts_on_a_free_port_and_serves_requests_on_virtual_threads_where_the_runtime_has_them() throws Exception {
        TestHttp http = new TestHttp();
        try (Gateway gateway = start(http, Duration.ofSeconds(1))) {
            assertThat(gateway.port()).isPositive();
            assertThat(get(gateway, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(gateway, "/thread").statusCode()).isEqualTo(200);

            Thread served = http.servedBy.get();
            if (Gateway.virtualThreadsAvailable()) {
                assertThat((Boolean) Thread.class.getMethod("isVirtual").invoke(served)).isTrue();
            } else {
                assertThat(served.getName()).startsWith("llm-router-http");
            }
        }
    }

    @Test
    void stopping_refuses_new_connections_and_lets_a_request_in_flight_finish() throws Exception {
        TestHttp http = new TestHttp();
        Gateway gateway = start(http, Duration.ofSeconds(10));
        URI slow = gateway.baseUri().resolve("/slow");
        int port = gateway.port();

        // given a request in flight
        CompletableFuture<HttpResponse<String>> inFlight =
                client.sendAsync(HttpRequest.newBuilder(slow).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(http.entered.await(10, TimeUnit.SECONDS)).isTrue();

        // when the gateway is asked to stop
        Thread stopping = new Thread(gateway::stop, "stopper");
        stopping.start();
        awaitRefused(port, Duration.ofSeconds(10));
        http.release.countDown();

        // then the request in flight completed, and the stop returned
        HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("finished");
        stopping.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(stopping.isAlive()).isFalse();
    }

    /** Polls the port (bounded) until a new connection is refused. */
    private static void awaitRefused(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            } catch (IOException refused) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("port " + port + " still accepts connections after " + timeout);
    }
}

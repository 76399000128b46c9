package dev.llmrouter.app.http;

import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.router.RouteChatUseCase;
import dev.llmrouter.ports.usage.UsageQueryUseCase;
import dev.llmrouter.domain.routing.Fleet;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The real gateway on a free port of 127.0.0.1, over fakes or real use cases, and a plain HTTP client. */
final class TestGateway implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    final Javalin app;
    final int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    TestGateway(GatewayContext context, InstantSource clock) {
        this.app = HttpApi.create(context, clock).start("127.0.0.1", 0);
        this.port = app.port();
    }

    /** Over a fake router, the fake usage query and deployment status, the test keys. */
    static TestGateway withFakes(RouteChatUseCase router, UsageQueryUseCase usage, long maxBody) {
        return with(router, usage, Fakes.deployments(), Outcomes.FLEET, maxBody, InstantSource.fixed(NOW));
    }

    static TestGateway with(RouteChatUseCase router, UsageQueryUseCase usage, DeploymentStatusQuery deployments,
            Fleet fleet, long maxBody, InstantSource clock) {
        return with(router, usage, deployments, fleet, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), maxBody, clock);
    }

    static TestGateway with(RouteChatUseCase router, UsageQueryUseCase usage, DeploymentStatusQuery deployments,
            Fleet fleet, PrometheusMeterRegistry metrics, long maxBody, InstantSource clock) {
        return new TestGateway(new GatewayContext(router, usage, deployments, Fakes.accounts(), fleet, metrics, maxBody,
                BodyReadLimits.DEFAULT), clock);
    }

    /** As {@link #with(RouteChatUseCase, UsageQueryUseCase, DeploymentStatusQuery, Fleet, long, InstantSource)}, each chat request under a server span of {@code spans}. */
    static TestGateway traced(RouteChatUseCase router, UsageQueryUseCase usage, DeploymentStatusQuery deployments,
            Fleet fleet, dev.llmrouter.adapters.otel.ServerSpans spans) {
        return new TestGateway(new GatewayContext(router, usage, deployments, Fakes.accounts(), fleet,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 1 << 20, BodyReadLimits.DEFAULT, List::of, spans,
                new dev.llmrouter.adapters.inmemory.InMemoryResponseHomes()),
                InstantSource.system());
    }

    /** Over a fake router and the fakes, with {@code bodyRead} as the body deadline. */
    static TestGateway withBodyRead(RouteChatUseCase router, BodyReadLimits bodyRead) {
        return new TestGateway(new GatewayContext(router, new Fakes.Usage(), Fakes.deployments(), Fakes.accounts(),
                Outcomes.FLEET, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                GatewayContext.DEFAULT_MAX_BODY_BYTES, bodyRead), InstantSource.fixed(NOW));
    }

    /** One gateway over {@code router} and the fakes for a whole test class; see {@link PerClass}. */
    static PerClass perClass(FakeRouter router) {
        return new PerClass(router);
    }

    /**
     * The gateway of {@link #withFakes} with the default body limit, shared by the tests of one class:
     * started before them all, stopped after them all, its fake router cleared before each test so no
     * test sees another's answers or recorded commands. Register it on a static field, after the router:
     * {@code @RegisterExtension static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);}
     */
    static final class PerClass implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

        private final FakeRouter router;
        private TestGateway gateway;

        private PerClass(FakeRouter router) {
            this.router = router;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            gateway = withFakes(router, new Fakes.Usage(), GatewayContext.DEFAULT_MAX_BODY_BYTES);
        }

        @Override
        public void afterAll(ExtensionContext context) {
            gateway.close();
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            router.reset();
        }

        /** The running gateway (between the class's first and last test). */
        TestGateway get() {
            return gateway;
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    HttpResponse<String> postBytes(String path, byte[] body, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET(), headers);
    }

    HttpResponse<String> send(HttpRequest.Builder builder, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(builder.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends raw bytes on a fresh connection and returns everything the server answered until it closed. */
    String raw(byte[] request) {
        return raw(request, false);
    }

    /** @param halfClose end the request stream after the bytes (a truncated body then meets end of input) */
    String raw(byte[] request, boolean halfClose) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String bearer(String key) {
        return "Bearer " + key;
    }

    @Override
    public void close() {
        app.stop();
    }
}

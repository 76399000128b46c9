package dev.llmrouter.benchmarks.overhead;

import static dev.llmrouter.benchmarks.overhead.OverheadHarness.API_KEY;
import static dev.llmrouter.benchmarks.overhead.OverheadHarness.CHAT;
import static dev.llmrouter.benchmarks.overhead.OverheadHarness.UPSTREAM_KEY;
import static dev.llmrouter.benchmarks.overhead.OverheadHarness.progress;

import com.sun.net.httpserver.HttpServer;
import dev.llmrouter.benchmarks.overhead.OpenLoopLoad.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What tracing costs a request (Requirement 10.3): three gateways over the same fast fake upstream,
 * one without tracing, one tracing every request (sampling 100 %) to an OTLP/HTTP sink in this
 * process, and one tracing every request to a collector that is down (a port nothing listens on),
 * driven in turn at the same open-loop rate in one run; the report sets their p50, p99 and p99.9 side
 * by side. The sink answers every export at once and only counts bytes: it stands for a healthy
 * collector, off the measured path but sharing the machine's cores. The third shows that a collector
 * that cannot be reached costs requests nothing: its spans are dropped and counted, never waited for.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -DskipTests package}):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.overhead.OverheadHarness --tracing
 * java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.overhead.OverheadHarness --tracing --rates 1000 --seconds 10
 * </pre>
 * Each rate runs twice per gateway (off, on, off, on) so that drift of the shared machine shows. The
 * report goes to standard output and {@code tracing-overhead.md} in the output folder.
 */
final class TracingOverhead {

    private TracingOverhead() {}

    /** One window of one gateway. */
    record Window(String gateway, int rate, Result result) {}

    static String run(OverheadHarness.Options o) throws Exception {
        Files.createDirectories(o.out());
        AtomicLong exports = new AtomicLong();
        AtomicLong exportBytes = new AtomicLong();
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.setExecutor(Executors.newSingleThreadExecutor());
        sink.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                exportBytes.addAndGet(in.readAllBytes().length);
                exports.incrementAndGet();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        sink.start();
        List<Window> windows = new ArrayList<>();
        try (FakeAzureUpstream upstream = FakeAzureUpstream.start()) {
            Path plain = OverheadHarness.writeConfig(o.out());
            Path traced = o.out().resolve("overhead-gateway-traced.yaml");
            Files.writeString(traced, Files.readString(plain) + """

                    telemetry:
                      endpoint: ${BENCH_OTLP_URL}
                      sampling-ratio: 1
                      service-name: llm-router-bench
                    """);
            Map<String, String> env = Map.of("BENCH_UPSTREAM_URL", upstream.baseUrl(), "BENCH_UPSTREAM_KEY", UPSTREAM_KEY,
                    "BENCH_OTLP_URL", "http://127.0.0.1:" + sink.getAddress().getPort());
            Path down = o.out().resolve("overhead-gateway-traced-collector-down.yaml");
            Files.writeString(down, Files.readString(traced).replace("${BENCH_OTLP_URL}", "http://127.0.0.1:" + unusedPort()));
            progress("starting the gateways (tracing off, on, on with the collector down)");
            try (GatewayProcess off = GatewayProcess.start(o.java(), o.jar(), plain, o.gatewayJvm(), env, Duration.ofSeconds(60));
                    GatewayProcess on = GatewayProcess.start(o.java(), o.jar(), traced, o.gatewayJvm(), env, Duration.ofSeconds(60));
                    GatewayProcess unreachable = GatewayProcess.start(o.java(), o.jar(), down, o.gatewayJvm(), env,
                            Duration.ofSeconds(60));
                    OpenLoopLoad load = new OpenLoopLoad(OpenLoopLoad.DEFAULT_MAX_CONNECTIONS, OpenLoopLoad.DEFAULT_DRAIN)) {
                Map<String, String> headers = Map.of("authorization", "Bearer " + API_KEY, "content-type", "application/json");
                URI offUri = URI.create(off.baseUrl() + "/v1/chat/completions");
                URI onUri = URI.create(on.baseUrl() + "/v1/chat/completions");
                URI downUri = URI.create(unreachable.baseUrl() + "/v1/chat/completions");
                progress("warming the gateways");
                Duration warm = Duration.ofSeconds(o.quick() ? 1 : 10);
                for (int round = 0; round < (o.quick() ? 1 : 3); round++) {
                    load.run("warm", offUri, headers, CHAT, o.quick() ? 100 : 1_000, warm, false);
                    load.run("warm", onUri, headers, CHAT, o.quick() ? 100 : 1_000, warm, false);
                    load.run("warm", downUri, headers, CHAT, o.quick() ? 100 : 1_000, warm, false);
                }
                Duration d = Duration.ofSeconds(o.seconds());
                List<Integer> rates = o.quick() ? List.of(100) : o.rates();
                for (int rate : rates) {
                    for (int round = 0; round < 2; round++) {
                        progress(rate + " req/s, round " + (round + 1));
                        windows.add(new Window("tracing off", rate, load.run("off", offUri, headers, CHAT, rate, d, false)));
                        windows.add(new Window("tracing on", rate, load.run("on", onUri, headers, CHAT, rate, d, false)));
                        windows.add(new Window("tracing on, collector down", rate,
                                load.run("down", downUri, headers, CHAT, rate, d, false)));
                    }
                }
            }
        } finally {
            sink.stop(0);
            ((java.util.concurrent.ExecutorService) sink.getExecutor()).shutdownNow();
        }
        String md = markdown(windows, exports.get(), exportBytes.get());
        Files.writeString(o.out().resolve("tracing-overhead.md"), md);
        return md;
    }

    /** A loopback port nothing listens on: a collector that is down. */
    static int unusedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String markdown(List<Window> windows, long exports, long bytes) {
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(Instant.now()).append(" on ").append(OverheadHarness.machine())
                .append("; load generator, fake upstream, OTLP sink and the three gateways share the machine.\n\n");
        md.append("| rate (req/s) | gateway | p50 (ms) | p99 (ms) | p99.9 (ms) | ok | errors |\n");
        md.append("|---:|---|---:|---:|---:|---:|---:|\n");
        for (Window w : windows) {
            Result r = w.result();
            md.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %.2f | %.2f | %d | %d |%n", w.rate(), w.gateway(),
                    r.p(50), r.p(99), r.p(99.9), r.ok(), r.errors()));
        }
        md.append(String.format(Locale.ROOT, "%nThe sink took %d exports (%,d bytes of OTLP protobuf).%n", exports, bytes));
        return md.toString();
    }
}

package dev.llmrouter.benchmarks.overhead;

import dev.llmrouter.benchmarks.overhead.OpenLoopLoad.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.TimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's end-to-end overhead: what it adds to every call.
 *
 * <p>Starts a fast fake Azure OpenAI upstream ({@link FakeAzureUpstream}) and the real gateway jar in
 * front of it, then drives open-loop load ({@link OpenLoopLoad}) at fixed rates, first straight at the
 * upstream, then through the gateway, alternating, in the same run. The overhead is gateway minus
 * direct at the same percentile. It also finds the highest rate the gateway sustains with p99 under
 * 10 ms, measures the time-to-first-chunk overhead of streams, and holds 1,000 concurrent slow streams
 * open to measure the gateway's heap and RSS.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -DskipTests package}):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.overhead.OverheadHarness
 * java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.overhead.OverheadHarness --quick
 * </pre>
 * Options: {@code --quick} (a few seconds at a low rate: the CI smoke), {@code --rates 500,1000},
 * {@code --seconds 10}, {@code --jar app-javalin/target/llm-router.jar}, {@code --java PATH} (the JVM
 * the gateway runs on), {@code --out benchmarks/results}. Results go to {@code overhead.json} and
 * {@code overhead.md} in the output folder.
 */
public final class OverheadHarness {

    static final String API_KEY = "bench-key";
    static final String UPSTREAM_KEY = "bench-upstream-key";
    static final byte[] CHAT = """
            {"model":"economy","messages":[{"role":"user","content":"Say hello to the benchmark."}]}"""
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] STREAM = """
            {"model":"economy","stream":true,"messages":[{"role":"user","content":"Say hello to the benchmark."}]}"""
            .getBytes(StandardCharsets.UTF_8);

    /** Options of one run. */
    record Options(boolean quick, List<Integer> rates, int seconds, Path jar, String java, Path out, int streams) {

        static Options parse(String[] args) {
            boolean quick = false;
            List<Integer> rates = List.of(500, 1_000, 2_000, 5_000);
            int seconds = 10;
            Path jar = Path.of("app-javalin/target/llm-router.jar");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path out = Path.of("benchmarks/results");
            int streams = 1_000;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--rates" -> rates = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--jar" -> jar = Path.of(args[++i]);
                    case "--java" -> java = args[++i];
                    case "--out" -> out = Path.of(args[++i]);
                    case "--streams" -> streams = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (quick) {
                rates = List.of(100);
                seconds = 2;
                streams = 50;
            }
            return new Options(quick, rates, seconds, jar, java, out, streams);
        }
    }

    /** One rate, both paths. */
    record Pair(int rate, Result direct, Result gateway) {}

    public static void main(String[] args) throws Exception {
        // The JDK client keeps idle connections 20 minutes by default. Open-loop load opens one per
        // request in flight, so after a rate the gateway could not keep up with, thousands of idle
        // connections (each with its Jetty buffers) stayed open into the next phases and filled the
        // gateway's heap. Close them once idle for a few seconds.
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", "3");
        }
        Report report = run(Options.parse(args));
        System.out.println(report.markdown());
        if (!report.healthy()) {
            System.exit(1);
        }
    }

    static Report run(Options o) throws Exception {
        Files.createDirectories(o.out());
        try (FakeAzureUpstream upstream = FakeAzureUpstream.start(8)) {
            Path config = writeConfig(o.out());
            Map<String, String> env = Map.of("BENCH_UPSTREAM_URL", upstream.baseUrl(), "BENCH_UPSTREAM_KEY", UPSTREAM_KEY);
            List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseG1GC"));
            // Extra gateway JVM options for profiling, e.g. -Doverhead.gatewayJvmArgs=-XX:StartFlightRecording=...
            String extra = System.getProperty("overhead.gatewayJvmArgs", "").trim();
            if (!extra.isEmpty()) {
                jvm.addAll(Arrays.asList(extra.split("\\s+")));
            }
            try (GatewayProcess gateway = GatewayProcess.start(o.java(), o.jar(), config, jvm, env, Duration.ofSeconds(60))) {
                HttpClient client = OpenLoopLoad.newClient();
                OpenLoopLoad load = new OpenLoopLoad(client);
                URI direct = URI.create(upstream.baseUrl() + "/openai/deployments/bench/chat/completions?api-version=2024-10-21");
                URI viaGateway = URI.create(gateway.baseUrl() + "/v1/chat/completions");
                Map<String, String> directHeaders = Map.of("api-key", UPSTREAM_KEY, "content-type", "application/json");
                Map<String, String> gatewayHeaders = Map.of("authorization", "Bearer " + API_KEY, "content-type", "application/json");

                // Warm both paths (JIT, connection pools) before anything is recorded.
                Duration warm = Duration.ofSeconds(o.quick() ? 1 : 5);
                load.run("warm", direct, directHeaders, CHAT, 200, warm, false);
                load.run("warm", viaGateway, gatewayHeaders, CHAT, 200, warm, false);
                if (!o.quick()) {
                    // 1,000 calls leave most of the gateway's request path interpreted or in C1: C2
                    // compiles it under the measured load, and on two shared cores that JIT work (tens
                    // of CPU-seconds) and the slower code showed as hundreds of ms of queueing. Three
                    // more rounds (~6,000 calls, streams included) reach steady state first.
                    for (int i = 0; i < 3; i++) {
                        load.run("warm", viaGateway, gatewayHeaders, CHAT, 300, warm, false);
                        load.run("warm", viaGateway, gatewayHeaders, STREAM, 100, Duration.ofSeconds(2), true);
                    }
                }

                Duration d = Duration.ofSeconds(o.seconds());
                List<Pair> pairs = new ArrayList<>();
                for (int rate : o.rates()) {
                    Result a = load.run("direct", direct, directHeaders, CHAT, rate, d, false);
                    Result b = load.run("gateway", viaGateway, gatewayHeaders, CHAT, rate, d, false);
                    pairs.add(new Pair(rate, a, b));
                }

                int sustained = 0;
                if (!o.quick()) {
                    for (int rate : List.of(1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000)) {
                        Result r = load.run("gateway", viaGateway, gatewayHeaders, CHAT, rate, Duration.ofSeconds(5), false);
                        if (r.errors() > 0 || r.p(99) >= 10.0) {
                            break;
                        }
                        sustained = rate;
                    }
                }

                int streamRate = o.quick() ? 20 : 200;
                Result sDirect = load.run("direct-stream", direct, directHeaders, STREAM, streamRate, d, true);
                Result sGateway = load.run("gateway-stream", viaGateway, gatewayHeaders, STREAM, streamRate, d, true);

                StreamHold hold = holdStreams(client, upstream, gateway, viaGateway, gatewayHeaders, o.streams(), o.java());
                Report report = new Report(Instant.now(), machine(), o, pairs, sustained, sDirect, sGateway, hold,
                        upstream.requests());
                Files.writeString(o.out().resolve("overhead.json"), report.json());
                Files.writeString(o.out().resolve("overhead.md"), report.markdown());
                return report;
            }
        }
    }

    /** Holds {@code count} streams open through the gateway, upstream answering slowly, and measures memory. */
    record StreamHold(int requested, int opened, long heapBytes, long rssBytes) {}

    static StreamHold holdStreams(HttpClient client, FakeAzureUpstream upstream, GatewayProcess gateway, URI uri,
            Map<String, String> headers, int count, String java) throws Exception {
        upstream.slowStreams(12_000);
        AtomicInteger opened = new AtomicInteger();
        List<CompletableFuture<Void>> open = new ArrayList<>();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(STREAM));
        headers.forEach(b::header);
        HttpRequest request = b.build();
        List<HttpResponse<InputStream>> responses = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < count; i++) {
            open.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).thenAccept(r -> {
                responses.add(r);
                try {
                    // read up to the first data frame: the stream is open end to end
                    InputStream in = r.body();
                    int c;
                    StringBuilder line = new StringBuilder();
                    while ((c = in.read()) != -1) {
                        if (c == '\n') {
                            if (line.toString().startsWith("data:")) {
                                opened.incrementAndGet();
                                return;
                            }
                            line.setLength(0);
                        } else {
                            line.append((char) c);
                        }
                    }
                } catch (IOException e) {
                    // counted as not opened
                }
            }));
        }
        try {
            CompletableFuture.allOf(open.toArray(CompletableFuture[]::new)).get(11, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // whatever opened in time is counted
        }
        String jcmd = Path.of(java).resolveSibling("jcmd").toString();
        long heap = gateway.liveHeapBytes(jcmd);
        long rss = gateway.rssBytes();
        upstream.slowStreams(0);
        for (HttpResponse<InputStream> r : responses) {
            try {
                r.body().close();
            } catch (IOException ignored) {
                // closing abandons the stream, which is the point
            }
        }
        return new StreamHold(count, opened.get(), heap, rss);
    }

    static Path writeConfig(Path dir) throws IOException {
        try (InputStream in = OverheadHarness.class.getResourceAsStream("/overhead-gateway.yaml")) {
            if (in == null) {
                throw new IOException("overhead-gateway.yaml missing from the classpath");
            }
            Path config = dir.resolve("overhead-gateway.yaml");
            Files.write(config, in.readAllBytes());
            return config;
        }
    }

    static String machine() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
    }

    /** The results, as JSON and as a Markdown table. */
    record Report(Instant at, String machine, Options options, List<Pair> pairs, int sustainedRate, Result streamDirect,
            Result streamGateway, StreamHold hold, long upstreamRequests) {

        boolean healthy() {
            return pairs.stream().allMatch(p -> p.gateway().errors() == 0 && p.gateway().ok() > 0)
                    && streamGateway.errors() == 0 && streamGateway.ok() > 0;
        }

        String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("Measured ").append(at).append(" on ").append(machine)
                    .append("; load generator, fake upstream and gateway share the machine.\n\n");
            md.append("| rate (req/s) | direct p50 | direct p99 | direct p99.9 | gateway p50 | gateway p99 | gateway p99.9 "
                    + "| overhead p50 | overhead p99 | errors (gateway) |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Pair p : pairs) {
                md.append(String.format(Locale.ROOT, "| %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %d |%n",
                        p.rate(), p.direct().p(50), p.direct().p(99), p.direct().p(99.9), p.gateway().p(50), p.gateway().p(99),
                        p.gateway().p(99.9), p.gateway().p(50) - p.direct().p(50), p.gateway().p(99) - p.direct().p(99),
                        p.gateway().errors()));
            }
            md.append(String.format(Locale.ROOT, "%nHighest rate sustained through the gateway with p99 < 10 ms and no errors: %s%n",
                    sustainedRate > 0 ? sustainedRate + " req/s"
                            : options.quick() ? "not measured (quick run)" : "none of the rates tried (from 1,000 req/s) met the bar"));
            md.append(String.format(Locale.ROOT,
                    "Streams, time to first chunk at %d req/s: direct p50 %.2f ms / p99 %.2f ms, gateway p50 %.2f ms / p99 %.2f ms, "
                            + "overhead p50 %.2f ms.%n",
                    streamGateway.rate(), streamDirect.p(50), streamDirect.p(99), streamGateway.p(50), streamGateway.p(99),
                    streamGateway.p(50) - streamDirect.p(50)));
            md.append(String.format(Locale.ROOT,
                    "Concurrent slow streams: %d of %d open end to end; gateway live heap %.1f MB, RSS %.1f MB.%n",
                    hold.opened(), hold.requested(), hold.heapBytes() / 1048576.0, hold.rssBytes() / 1048576.0));
            return md.toString();
        }

        String json() {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("measuredAt", at.toString());
            root.put("machine", machine);
            List<String> rows = new ArrayList<>();
            for (Pair p : pairs) {
                rows.add(String.format(Locale.ROOT,
                        "{\"rate\":%d,\"direct\":%s,\"gateway\":%s,\"overheadP50Ms\":%.3f,\"overheadP99Ms\":%.3f}",
                        p.rate(), json(p.direct()), json(p.gateway()), p.gateway().p(50) - p.direct().p(50),
                        p.gateway().p(99) - p.direct().p(99)));
            }
            return String.format(Locale.ROOT,
                    "{\"measuredAt\":\"%s\",\"machine\":\"%s\",\"rates\":[%s],\"sustainedRateP99Under10ms\":%d,"
                            + "\"streamDirect\":%s,\"streamGateway\":%s,\"streamsHeld\":{\"requested\":%d,\"opened\":%d,"
                            + "\"liveHeapBytes\":%d,\"rssBytes\":%d},\"upstreamRequests\":%d}%n",
                    at, machine, String.join(",", rows), sustainedRate, json(streamDirect), json(streamGateway),
                    hold.requested(), hold.opened(), hold.heapBytes(), hold.rssBytes(), upstreamRequests);
        }

        private static String json(Result r) {
            return String.format(Locale.ROOT,
                    "{\"sent\":%d,\"ok\":%d,\"errors\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"achievedRate\":%.1f}",
                    r.sent(), r.ok(), r.errors(), r.p(50), r.p(99), r.p(99.9), r.achievedRate());
        }
    }
}

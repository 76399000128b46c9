package dev.llmrouter.benchmarks.overhead;

import dev.llmrouter.benchmarks.overhead.OpenLoopLoad.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's end-to-end overhead: what it adds to every call.
 *
 * <p>Starts a fast fake Azure OpenAI upstream ({@link FakeAzureUpstream}) and the real gateway jar in
 * front of it, then drives open-loop load ({@link OpenLoopLoad}) at fixed rates, first straight at the
 * upstream, then through the gateway, alternating, in the same run. The overhead is gateway minus
 * direct at the same percentile. It also finds the highest rate the gateway sustains with p99 under
 * 10 ms, measures the time-to-first-chunk overhead of streams, holds 1,000 concurrent slow streams
 * open to measure the gateway's heap and RSS, and measures the Responses API's overhead (plain, and a
 * stream's time to its first event) beside chat's.
 *
 * <p>The load generator and the upstream share the machine's cores with the gateway, so both are
 * lean java.nio code (one selector loop each, keep-alive connections, bytes encoded once): what
 * they cost per request is a small fraction of the gateway's, and the direct path stays flat at the
 * rates measured. No JDK HttpClient or HttpServer is on the measured path.
 *
 * <p>Order of the phases: warm-up; the stream phases (direct, then gateway); the held slow streams;
 * the Responses phases at the streams' rate (plain, then streamed; direct, then gateway);
 * the rates in ascending order (direct, then gateway, for each); the search for the sustained rate.
 * Streams and the hold come before the rates because a rate the gateway cannot sustain leaves it
 * busy for a while; and before every phase a {@link Settler} waits (bounded) until the gateway has
 * drained what the phase before left queued and answers a short probe promptly. A phase that had to
 * start on an unsettled gateway is named in the report.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -B -q -DskipTests package}):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.overhead.OverheadHarness
 * java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.overhead.OverheadHarness --quick
 * </pre>
 * Options: {@code --tracing} (the gateway with tracing off and on instead, {@link TracingOverhead}),
 * {@code --quick} (a few seconds at a low rate: the CI smoke), {@code --rates 500,1000},
 * {@code --seconds 10}, {@code --streams 1000} (how many slow streams to hold), {@code --jar
 * app-javalin/target/llm-router.jar}, {@code --java PATH} (the JVM the gateway runs on), {@code --out
 * benchmarks/results}, {@code --gateway-jvm "-Xms512m -Xmx512m -XX:+UseG1GC"} (the gateway's JVM options,
 * replacing these defaults), {@code --light-streams} (a token stream phase and hold of 10 streams, for
 * runs that study the rates), {@code --chat-only} (no embedding deployment in the configuration, no
 * embeddings or Responses phase: to measure a jar from before those APIs with this harness, like with
 * like), {@code --storage} (instead of the phases above: the overhead at 1,000 req/s
 * on each of the gateway's stores, see {@link StorageOverhead}). Results go to {@code overhead.json} and {@code overhead.md} in the output
 * folder. Extra JVM options for the gateway (e.g. a flight recording):
 * {@code -Doverhead.gatewayJvmArgs="-XX:StartFlightRecording=filename=gw.jfr,settings=profile"}.
 */
public final class OverheadHarness {

    static final String API_KEY = "bench-key";
    static final String UPSTREAM_KEY = "bench-upstream-key";
    static final byte[] CHAT = """
            {"model":"economy","messages":[{"role":"user","content":"Say hello to the benchmark."}]}"""
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] EMBEDDINGS = """
            {"model":"text-embedding-3-small","input":"Say hello to the benchmark."}"""
            .getBytes(StandardCharsets.UTF_8);
    static final byte[] STREAM = """
            {"model":"economy","stream":true,"messages":[{"role":"user","content":"Say hello to the benchmark."}]}"""
            .getBytes(StandardCharsets.UTF_8);

    static final byte[] RESPONSES = """
            {"model":"economy","input":"Say hello to the benchmark."}""".getBytes(StandardCharsets.UTF_8);
    static final byte[] RESPONSES_STREAM = """
            {"model":"economy","stream":true,"input":"Say hello to the benchmark."}""".getBytes(StandardCharsets.UTF_8);

    /** Options of one run. */
    record Options(boolean quick, List<Integer> rates, int seconds, Path jar, String java, Path out, int streams,
            List<String> gatewayJvm, boolean lightStreams, boolean storage, boolean chatOnly) {

        static Options parse(String[] args) {
            boolean quick = false;
            List<Integer> rates = List.of(500, 1_000, 2_000, 5_000);
            int seconds = 10;
            Path jar = Path.of("app-javalin/target/llm-router.jar");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path out = Path.of("benchmarks/results");
            int streams = 1_000;
            List<String> gatewayJvm = DEFAULT_GATEWAY_JVM;
            boolean lightStreams = false;
            boolean storage = false;
            boolean chatOnly = false;
            boolean explicitRates = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> quick = true;
                    case "--rates" -> {
                        rates = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                        explicitRates = true;
                    }
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--jar" -> jar = Path.of(args[++i]);
                    case "--java" -> java = args[++i];
                    case "--out" -> out = Path.of(args[++i]);
                    case "--streams" -> streams = Integer.parseInt(args[++i]);
                    case "--gateway-jvm" -> gatewayJvm = Arrays.asList(args[++i].trim().split("\\s+"));
                    case "--light-streams" -> lightStreams = true;
                    case "--storage" -> storage = true;
                    case "--chat-only" -> chatOnly = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (storage && !explicitRates) {
                rates = List.of(1_000);
            }
            if (quick) {
                rates = List.of(100);
                seconds = 2;
                streams = 50;
            }
            return new Options(quick, rates, seconds, jar, java, out, streams, gatewayJvm, lightStreams, storage, chatOnly);
        }
    }

    /**
     * The gateway's JVM options unless {@code --gateway-jvm} names others (extra ones: {@code -Doverhead.gatewayJvmArgs}).
     * A fixed heap, as a server is run: with only a maximum, G1 sized the heap by its own history (one run
     * of a jar at 140 MB, with a concurrent mark and its remark pause in the measured window; the other
     * jar's run at 180 MB with young collections only), and that chance was part of every comparison.
     */
    static final List<String> DEFAULT_GATEWAY_JVM = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");

    /** One rate, both paths. */
    record Pair(int rate, Result direct, Result gateway) {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--tracing")) {
            tracing(args);
            return;
        }
        Options options = Options.parse(args);
        if (options.storage()) {
            System.out.println(StorageOverhead.run(options));
            return;
        }
        Report report = run(options);
        System.out.println(report.markdown());
        if (!report.healthy()) {
            System.exit(1);
        }
    }

    /** {@code --tracing}: the gateway with tracing off and on, side by side ({@link TracingOverhead}). */
    private static void tracing(String[] args) throws Exception {
        String[] rest = java.util.Arrays.stream(args).filter(a -> !a.equals("--tracing")).toArray(String[]::new);
        Options o = Options.parse(rest);
        if (java.util.Arrays.stream(rest).noneMatch(a -> a.equals("--rates"))) {
            o = new Options(o.quick(), List.of(1_000), o.seconds(), o.jar(), o.java(), o.out(), o.streams(), o.gatewayJvm(),
                    o.lightStreams(), o.storage(), o.chatOnly());
        }
        System.out.println(TracingOverhead.run(o));
    }

    private static final long STARTED = System.nanoTime();

    /** Progress on standard error, so a long run shows where it is (the report goes to standard output). */
    static void progress(String what) {
        System.err.printf(Locale.ROOT, "[overhead %6.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9, what);
    }

    static Report run(Options o) throws Exception {
        Files.createDirectories(o.out());
        progress("starting the upstream and the gateway");
        try (FakeAzureUpstream upstream = FakeAzureUpstream.start()) {
            Path config = writeConfig(o.out(), o.chatOnly());
            Map<String, String> env = Map.of("BENCH_UPSTREAM_URL", upstream.baseUrl(), "BENCH_UPSTREAM_KEY", UPSTREAM_KEY);
            List<String> jvm = new ArrayList<>(o.gatewayJvm());
            // Extra gateway JVM options for profiling, e.g. -Doverhead.gatewayJvmArgs=-XX:StartFlightRecording=...
            String extra = System.getProperty("overhead.gatewayJvmArgs", "").trim();
            if (!extra.isEmpty()) {
                jvm.addAll(Arrays.asList(extra.split("\\s+")));
            }
            // Room for every held stream plus the probes; a run past the cap queues in the client,
            // still timed from each request's due time.
            int maxConnections = Math.max(OpenLoopLoad.DEFAULT_MAX_CONNECTIONS, o.streams() + 200);
            try (GatewayProcess gateway = GatewayProcess.start(o.java(), o.jar(), config, jvm, env, Duration.ofSeconds(60));
                    OpenLoopLoad load = new OpenLoopLoad(maxConnections, OpenLoopLoad.DEFAULT_DRAIN)) {
                URI direct = URI.create(upstream.baseUrl() + "/openai/deployments/bench/chat/completions?api-version=2024-10-21");
                URI viaGateway = URI.create(gateway.baseUrl() + "/v1/chat/completions");
                URI responsesDirect = URI.create(upstream.baseUrl() + "/openai/v1/responses");
                URI responsesViaGateway = URI.create(gateway.baseUrl() + "/v1/responses");
                Map<String, String> directHeaders = Map.of("api-key", UPSTREAM_KEY, "content-type", "application/json");
                Map<String, String> gatewayHeaders = Map.of("authorization", "Bearer " + API_KEY, "content-type", "application/json");
                Settler settler = new Settler(load, upstream, viaGateway, gatewayHeaders, o.quick());

                progress("gateway ready; warming up");
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
                    // C2 keeps compiling for a while at the measured rates (~35,000 more calls): four
                    // consecutive 10 s windows at 1,000 req/s after only the rounds above gave gateway
                    // p99 4.6, 2.2, 0.8 and 4.8 ms. Run at those rates, unrecorded, before measuring.
                    settler.settle("warm-up at the measured rates");
                    load.run("warm", viaGateway, gatewayHeaders, CHAT, 1_000, Duration.ofSeconds(10), false);
                    settler.settle("warm-up at the measured rates");
                    load.run("warm", viaGateway, gatewayHeaders, CHAT, 2_500, Duration.ofSeconds(10), false);
                }
                Duration d = Duration.ofSeconds(o.seconds());

                // Streams and the held streams first: a rate the gateway cannot sustain leaves it
                // busy (queued requests, a grown heap) for a while, and these must not measure that.
                settler.settle("stream phases");
                progress("streams");
                // --light-streams: a token stream phase and hold, for runs that study the rates only.
                boolean light = o.quick() || o.lightStreams();
                int streamRate = light ? 20 : 200;
                Duration sd = o.lightStreams() ? Duration.ofSeconds(1) : d;
                int held = o.lightStreams() ? 10 : o.streams();
                Result sDirect = load.run("direct-stream", direct, directHeaders, STREAM, streamRate, sd, true);
                Result sGateway = load.run("gateway-stream", viaGateway, gatewayHeaders, STREAM, streamRate, sd, true);
                settler.settle("slow streams");
                progress("holding " + held + " slow streams");
                StreamHold hold = holdStreams(load, upstream, gateway, viaGateway, gatewayHeaders, held, o.java());

                // Rates in ascending order, each gateway run after the gateway has drained the one before.
                List<Pair> pairs = new ArrayList<>();
                for (int rate : o.rates().stream().sorted().toList()) {
                    settler.settle(rate + " req/s");
                    progress(rate + " req/s");
                    Result a = load.run("direct", direct, directHeaders, CHAT, rate, d, false);
                    settler.settle(rate + " req/s (gateway)");
                    Result b = load.run("gateway", viaGateway, gatewayHeaders, CHAT, rate, d, false);
                    pairs.add(new Pair(rate, a, b));
                }

                // --chat-only: a jar from before the embeddings and Responses APIs; their rows are left out.
                Pair embeddings = o.chatOnly() ? null : embeddings(o, load, settler, upstream.baseUrl(), gateway.baseUrl(),
                        directHeaders, gatewayHeaders);

                // The Responses API at the streams' rate: plain, then streamed (time to the first event).
                // After the chat rates, as the embeddings row is, so that only chat and streams run before
                // the rates are measured; warmed first, or its rows would measure the JIT.
                ResponsesRow responses = null;
                if (!o.chatOnly()) {
                    settler.settle("responses");
                    progress("responses");
                    load.run("warm", responsesViaGateway, gatewayHeaders, RESPONSES, 200, Duration.ofSeconds(o.quick() ? 1 : 5),
                            false);
                    load.run("warm", responsesViaGateway, gatewayHeaders, RESPONSES_STREAM, 100, Duration.ofSeconds(o.quick() ? 1 : 2),
                            true);
                    settler.settle("responses (measured)");
                    Result rDirect = load.run("direct-responses", responsesDirect, directHeaders, RESPONSES, streamRate, sd, false);
                    Result rGateway = load.run("gateway-responses", responsesViaGateway, gatewayHeaders, RESPONSES, streamRate, sd,
                            false);
                    Result rsDirect = load.run("direct-responses-stream", responsesDirect, directHeaders, RESPONSES_STREAM,
                            streamRate, sd, true);
                    Result rsGateway = load.run("gateway-responses-stream", responsesViaGateway, gatewayHeaders,
                            RESPONSES_STREAM, streamRate, sd, true);
                    responses = new ResponsesRow(rDirect, rGateway, rsDirect, rsGateway);
                }

                int sustained = 0;
                if (!o.quick()) {
                    for (int rate : List.of(1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000)) {
                        settler.settle("sustained " + rate + " req/s");
                        progress("sustained rate: trying " + rate + " req/s");
                        Result r = load.run("gateway", viaGateway, gatewayHeaders, CHAT, rate, Duration.ofSeconds(5), false);
                        if (r.errors() > 0 || r.p(99) >= 10.0) {
                            break;
                        }
                        sustained = rate;
                    }
                }

                Report report = new Report(Instant.now(), machine(), o, pairs, sustained, sDirect, sGateway, hold,
                        responses, upstream.requests(), settler.unsettled(),
                        embeddings);
                Files.writeString(o.out().resolve("overhead.json"), report.json());
                Files.writeString(o.out().resolve("overhead.md"), report.markdown());
                progress("done; stopping the gateway");
                return report;
            }
        }
    }

    /**
     * The embeddings row: one call per request straight at the fake upstream's embeddings path, then
     * through the gateway's {@code /v1/embeddings}, at the lowest rate of the run (warmed first, unrecorded).
     * What the gateway adds here differs from chat in the parse (input texts), the estimate and the
     * outgoing call on the deployment's pipeline rather than the SDK's protocol method.
     */
    static Pair embeddings(Options o, OpenLoopLoad load, Settler settler, String upstream, String gateway,
            Map<String, String> directHeaders, Map<String, String> gatewayHeaders) throws InterruptedException {
        URI direct = URI.create(upstream + "/openai/deployments/bench-embed/embeddings?api-version=2024-10-21");
        URI viaGateway = URI.create(gateway + "/v1/embeddings");
        int rate = o.rates().stream().min(Integer::compare).orElse(100);
        Duration d = Duration.ofSeconds(o.seconds());
        settler.settle("embeddings");
        progress("embeddings at " + rate + " req/s");
        load.run("warm", viaGateway, gatewayHeaders, EMBEDDINGS, 200, Duration.ofSeconds(o.quick() ? 1 : 5), false);
        settler.settle("embeddings (direct)");
        Result a = load.run("direct-embeddings", direct, directHeaders, EMBEDDINGS, rate, d, false);
        settler.settle("embeddings (gateway)");
        Result b = load.run("gateway-embeddings", viaGateway, gatewayHeaders, EMBEDDINGS, rate, d, false);
        return new Pair(rate, a, b);
    }

    /**
     * Lets the gateway drain between phases: waits until the upstream has seen no request for a
     * moment (the gateway finished what an earlier phase left queued), then until a short probe
     * through the gateway (10 requests at 50 req/s) answers every request, each within a second (an
     * opened breaker has closed again; the bar is loose because the machine is shared and noisy, the
     * phases measure latency). Bounded: a phase that follows a gateway which did not settle is still
     * run, and named in the report.
     */
    static final class Settler {
        private final OpenLoopLoad load;
        private final FakeAzureUpstream upstream;
        private final URI gateway;
        private final Map<String, String> headers;
        private final Duration bound;
        private final long quietMillis;
        private final List<String> unsettled = new ArrayList<>();

        Settler(OpenLoopLoad load, FakeAzureUpstream upstream, URI gateway, Map<String, String> headers, boolean quick) {
            this.load = load;
            this.upstream = upstream;
            this.gateway = gateway;
            this.headers = headers;
            this.bound = Duration.ofSeconds(quick ? 5 : 30);
            this.quietMillis = quick ? 100 : 300;
        }

        void settle(String before) throws InterruptedException {
            long deadline = System.nanoTime() + bound.toNanos();
            while (System.nanoTime() < deadline) {
                long seen = upstream.requests();
                Thread.sleep(quietMillis); // a harness pause between phases, not a test waiting on time
                if (upstream.requests() != seen) {
                    continue;
                }
                Result probe = load.run("probe", gateway, headers, CHAT, 50, Duration.ofMillis(200), false);
                if (probe.errors() == 0 && probe.p(100) < 1_000.0) {
                    return;
                }
            }
            unsettled.add(before);
            progress("the gateway had not settled before " + before);
        }

        List<String> unsettled() {
            return List.copyOf(unsettled);
        }
    }

    /**
     * Held streams: how many of the requested opened end to end (their first data frame reached the
     * client), how many reached the upstream, and the gateway's live heap, RSS and thread count while
     * they were all held.
     */
    record StreamHold(int requested, int opened, long reachedUpstream, long heapBytes, long rssBytes, int threads) {}

    /**
     * Holds {@code count} streams open through the gateway, the upstream sending the first chunk at
     * once and the rest only after 12 s, and measures the gateway's memory meanwhile. The streams are
     * opened by the same lean client as the load, 1,000 per second (one connection each), and are
     * held unread; then the client closes them and the upstream finishes the ones still waiting, so
     * the gateway's threads are free again for the next phase.
     */
    static StreamHold holdStreams(OpenLoopLoad load, FakeAzureUpstream upstream, GatewayProcess gateway, URI uri,
            Map<String, String> headers, int count, String java) {
        upstream.slowStreams(12_000);
        long before = upstream.requests();
        try (OpenLoopLoad.Held held = load.openStreams(uri, headers, STREAM, count, Math.max(100, Math.min(count, 1_000)),
                Duration.ofSeconds(11))) {
            long reached = upstream.requests() - before;
            int threads = gateway.threads();
            String jcmd = Path.of(java).resolveSibling("jcmd").toString();
            long heap = gateway.liveHeapBytes(jcmd);
            long rss = gateway.rssBytes();
            return new StreamHold(count, held.opened(), reached, heap, rss, threads);
        } finally {
            upstream.slowStreams(0);
        }
    }

    static Path writeConfig(Path dir) throws IOException {
        return writeConfig(dir, false);
    }

    /**
     * The harness's gateway configuration in {@code dir}; {@code chatOnly}: without the embedding model
     * and deployment, so that a jar from before {@code /v1/embeddings} accepts it.
     */
    static Path writeConfig(Path dir, boolean chatOnly) throws IOException {
        try (InputStream in = OverheadHarness.class.getResourceAsStream("/overhead-gateway.yaml")) {
            if (in == null) {
                throw new IOException("overhead-gateway.yaml missing from the classpath");
            }
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (chatOnly) {
                yaml = withoutEmbeddings(yaml);
            }
            // -Dllmrouter.bench.ledger=memory: the in-memory ledger instead of the embedded default's H2
            // file, to compare like with like against a jar whose ledger was in memory
            if ("memory".equals(System.getProperty("llmrouter.bench.ledger"))) {
                yaml += "\nstorage:\n  ledger: { kind: memory }\n";
            }
            return Files.writeString(dir.resolve("overhead-gateway.yaml"), yaml);
        }
    }

    /** {@code yaml} (the harness's configuration) without its embedding model and deployment. */
    static String withoutEmbeddings(String yaml) {
        String model = "    # text-embedding-3-small list price";
        String deployment = "  - id: bench-embeddings";
        int m = yaml.indexOf(model);
        int d = yaml.indexOf(deployment);
        if (m < 0 || d < m) {
            throw new IllegalStateException("overhead-gateway.yaml no longer has the embedding model and deployment in order");
        }
        return yaml.substring(0, m) + yaml.substring(yaml.indexOf("  tiers:", m), d) + yaml.substring(yaml.indexOf("\nplans:", d) + 1);
    }

    static String machine() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
    }

    /** The Responses API through the gateway and direct: plain latency, and a stream's time to its first event. */
    record ResponsesRow(Result direct, Result gateway, Result streamDirect, Result streamGateway) {}

    /** The results, as JSON and as a Markdown table. */
    record Report(Instant at, String machine, Options options, List<Pair> pairs, int sustainedRate, Result streamDirect,
            Result streamGateway, StreamHold hold, ResponsesRow responses, long upstreamRequests, List<String> unsettled,
            Pair embeddings) {

        boolean healthy() {
            return pairs.stream().allMatch(p -> clean(p.gateway())) && clean(streamGateway)
                    && (embeddings == null || clean(embeddings.gateway()))
                    && (responses == null || clean(responses.gateway()) && clean(responses.streamGateway()));
        }

        /** Answers came back, and none was an error. */
        private static boolean clean(Result r) {
            return r.errors() == 0 && r.ok() > 0;
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
                    "Concurrent slow streams: %d of %d open end to end (%d reached the upstream); gateway live heap %.1f MB, "
                            + "RSS %.1f MB, %d threads.%n",
                    hold.opened(), hold.requested(), hold.reachedUpstream(), hold.heapBytes() / 1048576.0,
                    hold.rssBytes() / 1048576.0, hold.threads()));
            md.append(embeddingsLine());
            md.append(responsesLine());
            if (!unsettled.isEmpty()) {
                md.append("The gateway had not drained (or did not answer a probe within 1 s) before: ")
                        .append(String.join(", ", unsettled)).append(".\n");
            }
            return md.toString();
        }

        private String responsesLine() {
            if (responses == null) {
                return "";
            }
            return String.format(Locale.ROOT,
                    "Responses API at %d req/s: direct p50 %.2f ms / p99 %.2f ms, gateway p50 %.2f ms / p99 %.2f ms, "
                            + "overhead p50 %.2f ms; streamed, time to first event: direct p50 %.2f ms, gateway p50 %.2f ms, "
                            + "overhead p50 %.2f ms.%n",
                    responses.gateway().rate(), responses.direct().p(50), responses.direct().p(99), responses.gateway().p(50),
                    responses.gateway().p(99), responses.gateway().p(50) - responses.direct().p(50),
                    responses.streamDirect().p(50), responses.streamGateway().p(50),
                    responses.streamGateway().p(50) - responses.streamDirect().p(50));
        }

        private String embeddingsLine() {
            Pair e = embeddings;
            if (e == null) {
                return "";
            }
            return String.format(Locale.ROOT,
                    "Embeddings at %d req/s: direct p50 %.2f ms / p99 %.2f ms, gateway p50 %.2f ms / p99 %.2f ms, "
                            + "overhead p50 %.2f ms / p99 %.2f ms, %d errors (gateway).%n",
                    e.rate(), e.direct().p(50), e.direct().p(99), e.gateway().p(50), e.gateway().p(99),
                    e.gateway().p(50) - e.direct().p(50), e.gateway().p(99) - e.direct().p(99), e.gateway().errors());
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
                            + "\"reachedUpstream\":%d,\"liveHeapBytes\":%d,\"rssBytes\":%d,\"threads\":%d},"
                            + "\"responses\":%s,\"upstreamRequests\":%d,\"unsettledBefore\":[%s],\"embeddings\":%s}%n",
                    at, machine, String.join(",", rows), sustainedRate, json(streamDirect), json(streamGateway),
                    hold.requested(), hold.opened(), hold.reachedUpstream(), hold.heapBytes(), hold.rssBytes(), hold.threads(),
                    responses == null ? "null" : String.format(Locale.ROOT,
                            "{\"direct\":%s,\"gateway\":%s,\"streamDirect\":%s,\"streamGateway\":%s}",
                            json(responses.direct()), json(responses.gateway()), json(responses.streamDirect()),
                            json(responses.streamGateway())),
                    upstreamRequests, String.join(",", unsettled.stream().map(u -> "\"" + u + "\"").toList()),
                    embeddings == null ? "null" : String.format(Locale.ROOT, "{\"rate\":%d,\"direct\":%s,\"gateway\":%s}",
                            embeddings.rate(), json(embeddings.direct()), json(embeddings.gateway())));
        }

        private static String json(Result r) {
            return String.format(Locale.ROOT,
                    "{\"sent\":%d,\"ok\":%d,\"errors\":%d,\"unanswered\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,"
                            + "\"achievedRate\":%.1f,\"firstError\":\"%s\"}",
                    r.sent(), r.ok(), r.errors(), r.unanswered(), r.p(50), r.p(99), r.p(99.9), r.achievedRate(),
                    r.firstError().replace("\\", "\\\\").replace("\"", "\\\""));
        }
    }
}

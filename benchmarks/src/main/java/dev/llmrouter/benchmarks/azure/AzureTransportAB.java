package dev.llmrouter.benchmarks.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import dev.llmrouter.adapters.azure.AzureDeploymentSettings;
import dev.llmrouter.adapters.azure.AzureOpenAiEndpoint;
import dev.llmrouter.adapters.azure.TokenizerEstimator;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Region;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Same-run A/B of the HTTP transports under the Azure adapter: latency (p50/p99) and client CPU time
 * per call, for plain calls and for 5-event streams read to their end, against a lean loopback stub
 * ({@link LoopbackAzureStub}) in a separate process, so that the process CPU time read here is the
 * client's alone (adapter, SDK pipeline, transport, their threads, GC and JIT).
 *
 * <p>Method: every option is warmed up, then the options run in rounds; in each round every option
 * (in a fresh random order) makes one block of plain calls and one block of streams, so slow phases
 * of the shared machine fall on every option alike. CPU per call is the process CPU time consumed
 * over an option's blocks divided by its calls. "direct" is a plain {@code java.net.http} POST of the
 * same body (no adapter) as a floor for reference.
 *
 * <p>Run: {@code ./mvnw -q -o -pl benchmarks -am package -DskipTests && java -cp
 * benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.azure.AzureTransportAB [--rounds 10]
 * [--block 500] [--options direct,jdk,jdk-inline,okhttp,default]}
 */
public final class AzureTransportAB {

    /** The options measured, by name. */
    static Map<String, Supplier<HttpClient>> transports() {
        Map<String, Supplier<HttpClient>> t = new LinkedHashMap<>();
        // (a) the adapter's transport before: azure-core's JDK client, completing on azure-core's shared
        // executor, with its per-request response timer (builder default)
        t.put("jdk", () -> new JdkHttpClientBuilder().build());
        // (b) the JDK client completing on its selector thread (no executor hop). azure-core's JDK
        // builder cannot turn the per-request timer off (a zero timeout would expire at once).
        t.put("jdk-inline", () -> new JdkHttpClientBuilder().executor(Runnable::run).build());
        // (c) azure-core's OkHttp transport as it comes: OkHttp's connection-failure retries, a
        // response timer per call on azure-core's shared executor, Okio read/write timeouts per I/O
        t.put("okhttp", () -> new OkHttpAsyncHttpClientBuilder().build());
        // the adapter's default (AzureOpenAiEndpoint.defaultHttpClient): OkHttp, HTTP/1.1, no
        // retries, no transport timers (the adapter's deadline cancels the call), 256 idle connections
        t.put("default", AzureOpenAiEndpoint::defaultHttpClient);
        return t;
    }

    private AzureTransportAB() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.log.com.azure.core.http.jdk.httpclient.JdkHttpClient", "error");
        int rounds = 10;
        int block = 500;
        List<String> wanted = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--block" -> block = Integer.parseInt(args[++i]);
                case "--options" -> wanted = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Process stub = startStub();
        try {
            String base = "http://127.0.0.1:" + readPort(stub);
            run(base, rounds, block, wanted);
        } finally {
            stub.getOutputStream().close();
            stub.destroy();
        }
        System.exit(0);
    }

    static void run(String base, int rounds, int block, List<String> wanted) {
        Deployment deployment = new Deployment(DeploymentId.of("bench"), "gpt-4o", Region.of("eastus", Geography.US),
                URI.create(base), "gpt-4o-bench", ChainRole.PRIMARY);
        ModelSpec model = ModelSpec.builder("gpt-4o").tier(Tier.STANDARD).build();
        ChatRequest request = new dev.llmrouter.adapters.azure.ChatBodyReader(1 << 20).request(
                dev.llmrouter.ports.chat.ChatOperation.CHAT, AzureAdapterOverhead.BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Candidate candidate = new Candidate(deployment, model, Tier.STANDARD, false);
        ChatCall call = new ChatCall(candidate, request, 64, Duration.ofSeconds(10), "bench");
        ChatCall streamCall = new ChatCall(candidate, request.streaming(true), 64, Duration.ofSeconds(10), "bench");

        List<Option> options = new ArrayList<>();
        java.net.http.HttpClient plain = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String url = base + AzureAdapterOverhead.PATH + "?api-version=2024-10-21";
        byte[] body = AzureAdapterOverhead.BODY.getBytes(StandardCharsets.UTF_8);
        String b = AzureAdapterOverhead.BODY;
        byte[] streamBody = (b.substring(0, b.length() - 1) + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                .getBytes(StandardCharsets.UTF_8);
        if (wanted == null || wanted.contains("direct")) {
            options.add(new Option("direct", () -> AzureAdapterOverhead.send(plain, url, body, false),
                    () -> AzureAdapterOverhead.send(plain, url, streamBody, true)));
        }
        for (Map.Entry<String, Supplier<HttpClient>> t : transports().entrySet()) {
            if (wanted != null && !wanted.contains(t.getKey())) {
                continue;
            }
            AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(List.of(AzureDeploymentSettings.apiKey(deployment, "bench-key")),
                    t.getValue().get(), InstantSource.system(), new TokenizerEstimator());
            options.add(new Option(t.getKey(), () -> endpoint.complete(call), () -> {
                try (ChatStream s = endpoint.openStream(streamCall)) {
                    int n = 0;
                    while (s.next().isPresent()) {
                        n++;
                    }
                    if (n != 5) {
                        throw new IllegalStateException("expected 5 events, got " + n);
                    }
                }
            }));
        }

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (Option o : options) { // warm-up: JIT, pools, first connections
            for (int i = 0; i < 2_000; i++) {
                o.plain.run();
                o.stream.run();
            }
        }
        Random random = new Random(42);
        for (int r = 0; r < rounds; r++) {
            List<Option> order = new ArrayList<>(options);
            Collections.shuffle(order, random);
            for (Option o : order) {
                o.plainStats.block(o.plain, block, os);
                o.streamStats.block(o.stream, block, os);
            }
        }
        System.out.printf("%d rounds x %d calls per option and kind; CPU = client process CPU time / calls%n", rounds, block);
        System.out.printf("%-20s | %-28s | %-28s%n", "option", "plain call p50/p99/CPU (us)", "5-event stream p50/p99/CPU (us)");
        for (Option o : options) {
            System.out.printf("%-20s | %6d %7d %8.1f       | %6d %7d %8.1f%n", o.name,
                    o.plainStats.latency.getValueAtPercentile(50), o.plainStats.latency.getValueAtPercentile(99), o.plainStats.cpuPerCall(),
                    o.streamStats.latency.getValueAtPercentile(50), o.streamStats.latency.getValueAtPercentile(99), o.streamStats.cpuPerCall());
        }
        Map<String, Long> threads = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            threads.merge(t.getName().replaceAll("\\d+", "#"), 1L, Long::sum);
        }
        System.out.println("live threads by name: " + threads);
        java.lang.management.ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpuByThread = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = tmx.getThreadCpuTime(t.getId());
            if (ns > 0) {
                cpuByThread.merge(t.getName().replaceAll("\\d+", "#"), ns / 1_000_000, Long::sum);
            }
        }
        System.out.println("CPU ms by live thread (whole run, warm-up included; GC and JIT threads not listed): " + cpuByThread);
    }

    static final class Option {
        final String name;
        final Runnable plain;
        final Runnable stream;
        final Stats plainStats = new Stats();
        final Stats streamStats = new Stats();

        Option(String name, Runnable plain, Runnable stream) {
            this.name = name;
            this.plain = plain;
            this.stream = stream;
        }
    }

    static final class Stats {
        final Histogram latency = new Histogram(3);
        long cpuNanos;
        long calls;

        void block(Runnable call, int n, com.sun.management.OperatingSystemMXBean os) {
            long cpu0 = os.getProcessCpuTime();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                call.run();
                latency.recordValue((System.nanoTime() - t0) / 1_000);
            }
            cpuNanos += os.getProcessCpuTime() - cpu0;
            calls += n;
        }

        double cpuPerCall() {
            return cpuNanos / 1_000.0 / calls;
        }
    }

    private static Process startStub() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-Dsun.net.httpserver.nodelay=true", "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LoopbackAzureStub.class.getName());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start();
    }

    private static int readPort(Process stub) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(stub.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("port=")) {
            throw new IllegalStateException("stub did not start: " + line);
        }
        return Integer.parseInt(line.substring(5));
    }
}

package dev.llmrouter.benchmarks.overhead;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real gateway jar, started as its own process, as a user would start it. */
public final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code java [jvmArgs] -jar jar --port P --config config} with {@code env} added to the
     * environment (its data directory, unless {@code env} names one, a new temporary directory), and
     * waits (bounded) until {@code /health/ready} answers 200.
     */
    public static GatewayProcess start(String javaBin, Path jar, Path config, List<String> jvmArgs,
            Map<String, String> env, Duration readyTimeout) throws IOException, InterruptedException {
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar.toString(), "--port", String.valueOf(port)));
        if (config != null) {
            cmd.addAll(List.of("--config", config.toString()));
        }
        Path log = Files.createTempFile("llm-router-gateway", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // Each gateway measured starts on an empty ledger of its own, never on a previous run's.
        pb.environment().put("LLM_ROUTER_DATA_DIR", Files.createTempDirectory("llm-router-data").toString());
        pb.environment().putAll(env);
        Process process = pb.start();
        // A harness stopped by a signal (e.g. under `timeout`) skips its try-with-resources: without
        // this hook the gateway outlived it and kept a core busy under the next measurements.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "gateway-reaper"));
        GatewayProcess gateway = new GatewayProcess(process, port, log);
        gateway.awaitReady(readyTimeout);
        return gateway;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        URI ready = URI.create(baseUrl() + "/health/ready");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gateway exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.onSpinWait();
            process.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        close();
        throw new IOException("gateway not ready within " + timeout + ":\n" + Files.readString(log));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Resident set size of the gateway process, from {@code /proc}; -1 where unavailable. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Threads of the gateway process, from {@code /proc}; -1 where unavailable. */
    public int threads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Heap in use after a full collection (the live set), through {@code jcmd}; -1 where unavailable. */
    public long liveHeapBytes(String jcmd) {
        try {
            run(jcmd, String.valueOf(pid()), "GC.run");
            String info = run(jcmd, String.valueOf(pid()), "GC.heap_info");
            Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

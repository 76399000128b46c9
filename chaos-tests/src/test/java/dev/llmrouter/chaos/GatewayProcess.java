package dev.llmrouter.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;

/**
 * One gateway replica: the runnable jar ({@code java -jar llm-router.jar --port P --config F}) as its
 * own operating-system process, as an operator runs it. It can be killed the hard way
 * ({@link #kill()}: SIGKILL, no shutdown hook, nothing flushed), stopped the polite way
 * ({@link #terminate()}: SIGTERM, the shutdown hook drains and closes the stores) and started again
 * on the same port with the same configuration ({@link #restart()}), so callers keep their address.
 *
 * <p>Why a process and not the gateway in the test's JVM: a crash must lose everything the process
 * held in memory (open quota reservations, records not yet committed, the in-process rate limiter),
 * which only the end of a process guarantees. The process's output goes to a log file under the
 * replica's directory; a failure message quotes its tail.
 */
final class GatewayProcess implements AutoCloseable {

    static final Path JAR = Path.of("..", "app-javalin", "target", "llm-router.jar");
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final List<String> args;
    private final Map<String, String> env;
    private final Path log;
    private final int port;
    private Process process;
    private int starts;

    private GatewayProcess(String name, List<String> args, Map<String, String> env, Path log, int port) {
        this.name = name;
        this.args = args;
        this.env = env;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts a replica named {@code name} on a free port and waits (bounded) until {@code /health/ready}
     * answers 200.
     *
     * @param config the YAML file, or null for the embedded default
     * @param extraArgs further arguments of the jar (e.g. {@code --data-dir D})
     */
    static GatewayProcess start(String name, Path config, List<String> extraArgs, Map<String, String> env, Path dir) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port)));
        if (config != null) {
            args.addAll(List.of("--config", config.toString()));
        }
        args.addAll(extraArgs);
        GatewayProcess p = new GatewayProcess(name, List.copyOf(args), Map.copyOf(env), dir.resolve(name + ".log"), port);
        p.launch();
        return p;
    }

    static boolean jarBuilt() {
        return Files.isRegularFile(JAR);
    }

    private void launch() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Three replicas and the suite share two cores: a small heap and one GC thread each.
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        try {
            Files.writeString(log, "---- start " + (++starts) + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        awaitReady();
    }

    /** Polls readiness with real requests until it answers 200, the process dies, or the bound passes. */
    private void awaitReady() {
        URI ready = base().resolve("/health/ready");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int last = -1;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " while starting:\n" + logTail());
            }
            try {
                last = PROBE.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            waitForExit(Duration.ofMillis(50));
        }
        throw new AssertionError(name + " not ready within " + START_TIMEOUT + " (last status " + last + "):\n" + logTail());
    }

    String name() {
        return name;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: the process ends at once, its memory is lost, no shutdown hook runs. */
    void kill() {
        process.toHandle().destroyForcibly();
        if (!waitForExit(Duration.ofSeconds(10))) {
            throw new AssertionError(name + " survived SIGKILL");
        }
    }

    /**
     * SIGTERM, then waits for the shutdown hook to finish (bounded).
     *
     * @return the exit status
     */
    int terminate() {
        process.toHandle().destroy();
        if (!waitForExit(Duration.ofSeconds(30))) {
            throw new AssertionError(name + " did not stop within 30 s of SIGTERM:\n" + logTail());
        }
        return process.exitValue();
    }

    /** Starts the same command again (same port, configuration, environment), once the last one ended. */
    void restart() {
        if (alive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The last lines of the process's output, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (alive()) {
            process.toHandle().destroy();
            if (!waitForExit(Duration.ofSeconds(15))) {
                process.toHandle().destroyForcibly();
                waitForExit(Duration.ofSeconds(5));
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.app.DemoKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 3.5, end to end: the shaded jar, started as a user starts it ({@code java -jar
 * llm-router.jar --port N}, no configuration), serves the embedded default — ready on
 * {@code /health/ready}, a chat with the {@code demo-enterprise} key answers 200 in the OpenAI
 * shape, and SIGTERM stops it through its shutdown hook (graceful stop) within a bound.
 *
 * <p>The jar is built by the reactor's {@code package} phase of {@code app-javalin}, before this
 * module's tests run under {@code verify}; a plain {@code test} run without it skips this test.
 * Readiness is awaited without sleeping: the test reads the process's output until the start
 * banner, then polls {@code /health/ready}, both within a bounded time.
 */
@DisplayName("Requirement 3.5 — the runnable jar serves the embedded default")
class JarStartTest {

    static final Path JAR = Path.of("..", "app-javalin", "target", "llm-router.jar");
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process process;

    @AfterEach
    void destroy() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void the_jar_starts_on_the_embedded_default_and_answers_a_chat_with_the_demo_enterprise_key(
            @org.junit.jupiter.api.io.TempDir Path dataDir) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "the runnable jar is built by 'package'; run './mvnw verify'");
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder command = new ProcessBuilder(java, "-jar", JAR.toString(), "--port", String.valueOf(port))
                .redirectErrorStream(true);
        command.environment().put("LLM_ROUTER_DATA_DIR", dataDir.toString()); // its ledger file, not the module's directory
        process = command.start();
        CompletableFuture<Boolean> greeted = readOutputUntil("llm-router is serving");
        CompletableFuture<Boolean> stopped = readOutputUntil("Javalin has stopped");

        // given the gateway says it is serving, and reports ready
        assertThat(greeted.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("start banner; output: %s", output).isTrue();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitReady(base.resolve("/health/ready"), START_TIMEOUT);
        assertThat(String.join("\n", output)).contains(DemoKeys.ENTERPRISE);

        // when a client sends a chat with the demo enterprise key
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                        .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"model":"standard","messages":[{"role":"user","content":"Hello from the jar test"}]}"""))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        // then it is answered in the OpenAI shape, by a simulated deployment that echoes the message
        assertThat(response.statusCode()).as("body: %s", response.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("id").asText()).isNotEmpty();
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).contains("Hello from the jar test");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = body.path("usage");
        assertThat(usage.path("total_tokens").asLong())
                .isPositive()
                .isEqualTo(usage.path("prompt_tokens").asLong() + usage.path("completion_tokens").asLong());

        // and on SIGTERM it stops through its shutdown hook, within the bound (the handle's destroy
        // signals the process without closing our end of its output, which Process.destroy() would)
        process.toHandle().destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        assertThat(stopped.get(10, TimeUnit.SECONDS)).as("graceful stop; output: %s", output).isTrue();
    }

    private final java.util.Map<String, CompletableFuture<Boolean>> markers = new java.util.concurrent.ConcurrentHashMap<>();
    private Thread reader;

    /**
     * Completes once a line of the process's output contains {@code marker} (false if the output ends
     * first). One reader thread collects the output for every marker.
     */
    private CompletableFuture<Boolean> readOutputUntil(String marker) {
        CompletableFuture<Boolean> seen = markers.computeIfAbsent(marker, m -> new CompletableFuture<>());
        if (reader == null) {
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        output.add(line);
                        String l = line;
                        markers.forEach((m, f) -> {
                            if (l.contains(m)) {
                                f.complete(true);
                            }
                        });
                    }
                } catch (IOException e) {
                    // the process ended
                }
                markers.values().forEach(f -> f.complete(false));
            }, "jar-output");
            reader.setDaemon(true);
            reader.start();
        }
        return seen;
    }

    /** Polls readiness within a bounded time; each poll is a real request, no sleeping in between. */
    private void awaitReady(URI ready, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                last = client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not accepting yet
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("not ready within " + timeout + " (last status " + last + "); output:\n"
                + String.join("\n", output));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

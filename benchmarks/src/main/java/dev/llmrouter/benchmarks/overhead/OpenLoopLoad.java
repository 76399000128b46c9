package dev.llmrouter.benchmarks.overhead;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-loop load at a fixed rate: request {@code i} is due at {@code start + i / rate}, whatever
 * happened to the requests before it, and its latency is measured from that due time, not from when
 * it was actually sent. A slow server therefore shows its queueing in the latency instead of quietly
 * lowering the rate (the coordinated-omission trap of closed-loop load generators).
 */
public final class OpenLoopLoad {

    /** What one run measured. Latencies are in microseconds. */
    public record Result(
            String target, int rate, long sent, long ok, long errors, Histogram latencyMicros, double achievedRate) {

        public double p(double percentile) {
            return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private final HttpClient client;

    public OpenLoopLoad(HttpClient client) {
        this.client = client;
    }

    public static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Sends {@code rate} requests per second for {@code duration} and waits (bounded) for the answers.
     *
     * @param stream when true, the latency is the time to the first SSE {@code data:} frame
     */
    public Result run(String name, URI uri, Map<String, String> headers, byte[] body, int rate, Duration duration,
            boolean stream) {
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long total = Math.max(1, rate * duration.toMillis() / 1000);
        long intervalNanos = 1_000_000_000L / rate;
        HttpRequest.Builder template = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(template::header);
        HttpRequest request = template.build();
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[(int) total];
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(Math.min(wait, 200_000));
            }
            CompletableFuture<?> f;
            if (stream) {
                f = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> {
                    if (r.statusCode() != 200) {
                        errors.incrementAndGet();
                        r.body().close();
                        return;
                    }
                    try (var lines = r.body()) {
                        var first = lines.filter(l -> l.startsWith("data:")).findFirst();
                        if (first.isPresent() && !first.get().contains("\"error\"")) {
                            recorder.recordValue(Math.max(1, (System.nanoTime() - due) / 1000));
                            ok.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                });
            } else {
                f = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenAccept(r -> {
                    if (r.statusCode() == 200) {
                        recorder.recordValue(Math.max(1, (System.nanoTime() - due) / 1000));
                        ok.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                });
            }
            inFlight[i] = f.exceptionally(t -> {
                errors.incrementAndGet();
                return null;
            });
        }
        long sentNanos = System.nanoTime() - start;
        try {
            CompletableFuture.allOf(inFlight).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // whatever did not answer in time is counted as an error below
        }
        long answered = ok.get() + errors.get();
        long lost = total - answered;
        return new Result(name, rate, total, ok.get(), errors.get() + Math.max(0, lost),
                recorder.getIntervalHistogram(), total * 1e9 / sentNanos);
    }
}

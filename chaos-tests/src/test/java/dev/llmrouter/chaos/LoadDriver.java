package dev.llmrouter.chaos;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Closed-loop load: {@code clients} concurrent callers, each sending its next request as soon as the
 * previous one answered, over {@link java.net.http.HttpClient} to the gateway on loopback. Bounded
 * twice: at most {@code requests} requests in all, and no new request after {@code maxDuration}; every
 * request also has its own timeout, so a run always ends by itself.
 *
 * <p>Every caller starts at the same moment (a latch), so the first requests arrive together, the
 * hardest case for breakers and quota reservations.
 */
final class LoadDriver {

    /** One request's fate, as the caller saw it. */
    record Result(int index, int status, java.time.Instant sentAt, long startNanos, long latencyNanos,
                  HttpResponse<String> response, Throwable error) {

        boolean ok() {
            return status == 200;
        }

        String header(String name) {
            return response == null ? null : response.headers().firstValue(name).orElse(null);
        }

        String body() {
            return response == null ? "" : response.body();
        }
    }

    private final HttpClient client;

    LoadDriver(HttpClient client) {
        this.client = client;
    }

    /** One client for the whole suite: its connections and threads are reused by every scenario. */
    private static final HttpClient SHARED = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(8, daemon("chaos-http")))
            .build();

    static HttpClient newClient() {
        return SHARED;
    }

    /**
     * Runs the load and waits for it to finish.
     *
     * @param clients     concurrent callers
     * @param requests    the most requests sent in all
     * @param maxDuration no request starts after this
     * @param request     the i-th request (0-based)
     */
    LoadReport run(String scenario, int clients, int requests, Duration maxDuration, IntFunction<HttpRequest> request) {
        return run(scenario, clients, requests, maxDuration, request, () -> false);
    }

    /**
     * Starts the load on its own threads and returns at once; the load stops when {@code stop} turns
     * true (checked before each request), or at its bounds.
     */
    java.util.concurrent.CompletableFuture<LoadReport> start(String scenario, int clients, int requests,
            Duration maxDuration, IntFunction<HttpRequest> request, java.util.function.BooleanSupplier stop) {
        return java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run(scenario, clients, requests, maxDuration, request, stop),
                r -> {
                    Thread t = new Thread(r, "chaos-load-" + scenario);
                    t.setDaemon(true);
                    t.start();
                });
    }

    /** As {@link #run(String, int, int, Duration, IntFunction)}, stopping early once {@code stop} holds. */
    LoadReport run(String scenario, int clients, int requests, Duration maxDuration, IntFunction<HttpRequest> request,
            java.util.function.BooleanSupplier stop) {
        ExecutorService pool = Executors.newFixedThreadPool(clients, daemon("chaos-client"));
        ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        long start = System.nanoTime();
        long stopAt = start + maxDuration.toNanos();
        for (int c = 0; c < clients; c++) {
            pool.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                int i;
                while (!stop.getAsBoolean() && (i = next.getAndIncrement()) < requests && System.nanoTime() - stopAt < 0) {
                    results.add(send(i, request.apply(i)));
                }
            });
        }
        go.countDown();
        pool.shutdown();
        try {
            // Bounded: the last request starts before maxDuration and has its own timeout.
            if (!pool.awaitTermination(maxDuration.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                throw new AssertionError("load did not finish in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        List<Result> all = new ArrayList<>(results);
        all.sort(java.util.Comparator.comparingInt(Result::index));
        return new LoadReport(scenario, all, Duration.ofNanos(System.nanoTime() - start));
    }

    /** One request, synchronously, on the calling thread. */
    Result send(int index, HttpRequest request) {
        java.time.Instant sentAt = java.time.Instant.now();
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Result(index, response.statusCode(), sentAt, t0, System.nanoTime() - t0, response, null);
        } catch (IOException e) {
            return new Result(index, -1, sentAt, t0, System.nanoTime() - t0, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(index, -1, sentAt, t0, System.nanoTime() - t0, null, e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 12, Requirements 9.2 and 9.3: no caller can hurt another. One account (the team's) sends a
 * hostile mix — prompts of one character repeated up to the body limit, bodies dripped a byte at a
 * time, bodies that stall (short of their Content-Length, or chunked without a last chunk), and bursts
 * over its rate limit — while a well-behaved account (the control) keeps sending ordinary requests.
 *
 * <p>Proves, in one run: the control's p99 under attack stays within {@value #P99_MULTIPLE}× its quiet
 * p99 measured just before (or its quiet p99 plus {@value #P99_FLOOR_MILLIS} ms, whichever is larger: on
 * two busy cores a quiet p99 of a few milliseconds is mostly scheduling noise); every control request is
 * served; nothing anywhere gets a 5xx or goes unanswered (a 1 MiB upload refused with 429 before its body
 * is read gets its 429 too: the gateway discards the rest of the body before it lets the connection go);
 * every slow or stalled body ends in 408 (or 429 when the account's slots are all taken) soon after the
 * body deadline; and the live heap after the attack is back within {@value #HEAP_GROWTH_MIB} MiB of before it.
 */
@DisplayName("Scenario 12: a hostile account's mix leaves a well-behaved account's latency alone")
class HostileMixTest {

    static final int P99_MULTIPLE = 5;
    static final long P99_FLOOR_MILLIS = 250;
    static final long HEAP_GROWTH_MIB = 64;
    /** The team may send 120 requests a minute and have 6 in progress; bursts of 30 go over both. */
    static final int TEAM_RPM = 120;
    static final int TEAM_CONCURRENT = 6;
    static final Duration BODY_DEADLINE = Duration.ofSeconds(1);
    /** One repeated character, so that the whole body is as large as the gateway accepts. */
    static final List<Integer> PATHOLOGICAL_SIZES = List.of((int) ChaosGateway.MAX_BODY_BYTES - 200, 256 * 1024,
            64 * 1024);

    Fleet fleet;
    ChaosGateway gateway;

    @BeforeEach
    void startFleet() {
        fleet = Fleet.primaryAndSecondary();
        gateway = fleet.gateway().teamLimits(TEAM_RPM, TEAM_CONCURRENT).bodyReadTimeout(BODY_DEADLINE).start();
        fleet.add(gateway);
    }

    @AfterEach
    void stopFleet() {
        fleet.close();
    }

    @Test
    void the_control_accounts_p99_holds_while_the_team_attacks() throws Exception {
        LoadDriver control = new LoadDriver(LoadDriver.newClient());
        int clients = ChaosScale.clients(2);
        int requests = ChaosScale.requests(600);
        control.run("12 warm", clients, 200, Duration.ofSeconds(30), i -> gateway.chatAs(ChaosGateway.CONTROL_KEY));
        LoadReport quiet = control.run("12 quiet", clients, requests, Duration.ofSeconds(60),
                i -> gateway.chatAs(ChaosGateway.CONTROL_KEY));
        long liveBefore = liveHeapBytes();
        resetPeakHeap();

        Hostile hostile = new Hostile(gateway);
        hostile.start();
        LoadReport attacked;
        try {
            attacked = control.run("12 under attack", clients, requests, Duration.ofSeconds(120),
                    i -> gateway.chatAs(ChaosGateway.CONTROL_KEY));
        } finally {
            hostile.stop();
        }
        long peakHeap = peakHeapBytes();
        long liveAfter = liveHeapBytes();

        String figures = "quiet " + quiet.summary() + "; under attack " + attacked.summary() + "; hostile " + hostile.statuses
                + "; no answer: " + hostile.noAnswer;
        // every control request served, in both phases
        assertThat(quiet.succeeded()).as(figures).isEqualTo(quiet.requests());
        assertThat(attacked.succeeded()).as(figures).isEqualTo(attacked.requests());
        // each hostile kind really ran, and every request of every kind was answered, without a 5xx
        assertThat(hostile.statuses.keySet()).as(figures).containsExactlyInAnyOrder(Hostile.KINDS);
        hostile.statuses.forEach((kind, statuses) -> assertThat(statuses.keySet()).as(kind + ": " + figures)
                .allSatisfy(status -> assertThat(status).isBetween(200, 499)));
        assertThat(hostile.noAnswer).as(figures).isEmpty();
        // slow and stalled bodies end in 408, or 429 when the account's slots are taken
        for (String kind : List.of(Hostile.DRIP, Hostile.STALL, Hostile.UNTERMINATED)) {
            assertThat(hostile.statuses.get(kind).keySet()).as(kind + ": " + figures).isSubsetOf(408, 429);
        }
        assertThat(hostile.statuses.get(Hostile.DRIP)).as(figures).containsKey(408);
        assertThat(hostile.slowestBodyAnswerNanos.get()).as("a slow body answered long after the deadline: " + figures)
                .isLessThan(BODY_DEADLINE.plusSeconds(5).toNanos());
        // bursts go over the rate limit
        assertThat(hostile.statuses.get(Hostile.BURST)).as(figures).containsKey(429);
        // the control's latency
        double bound = Math.max(P99_MULTIPLE * quiet.p99Millis(), quiet.p99Millis() + P99_FLOOR_MILLIS);
        assertThat(attacked.p99Millis()).as(figures).isLessThanOrEqualTo(bound);
        // the heap
        assertThat(liveAfter - liveBefore).as("live heap growth, " + figures).isLessThan(HEAP_GROWTH_MIB << 20);

        Scorecard.add(new Scorecard.Row("12 hostile mix from one account", quiet.requests() + attacked.requests()
                + hostile.total(), attacked.successRate(), "control 100 %; hostile 4xx, no 5xx",
                attacked.p99Millis(), 0, "-", "-", "-",
                String.format(Locale.ROOT, "control p99 %.1f ms quiet, %.1f ms under attack (bound %.1f); hostile %s, "
                                + "every one answered; heap peak %d MiB, live %+d MiB", quiet.p99Millis(), attacked.p99Millis(), bound,
                        hostile.statuses, peakHeap >> 20, (liveAfter - liveBefore) >> 20)));
    }

    /** The team's hostile callers, each kind on its own threads, until stopped. */
    static final class Hostile {
        static final String PATHOLOGICAL = "pathological";
        static final String DRIP = "drip";
        static final String STALL = "stall";
        static final String UNTERMINATED = "unterminated";
        static final String BURST = "burst";
        static final String[] KINDS = {PATHOLOGICAL, DRIP, STALL, UNTERMINATED, BURST};

        final Map<String, Map<Integer, Long>> statuses = new ConcurrentHashMap<>();
        /** Why requests got no answer, by kind: the exception the client saw. */
        final Map<String, String> noAnswer = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong slowestBodyAnswerNanos = new java.util.concurrent.atomic.AtomicLong();
        private final ChaosGateway gateway;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();

        Hostile(ChaosGateway gateway) {
            this.gateway = gateway;
        }

        void start() {
            loop(PATHOLOGICAL, 2, this::pathological);
            loop(DRIP, 3, n -> rawBody("Content-Length: 4096", null, true));
            loop(STALL, 2, n -> rawBody("Content-Length: 100", "{\"", false));
            loop(UNTERMINATED, 1, n -> rawBody("Transfer-Encoding: chunked", "2\r\n{\"\r\n", false));
            loop(BURST, 1, this::burst);
            threads.forEach(Thread::start);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        long total() {
            return statuses.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
        }

        private void loop(String kind, int threadCount, java.util.function.IntFunction<Integer> call) {
            for (int t = 0; t < threadCount; t++) {
                Thread thread = new Thread(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        Integer status = call.apply(n);
                        if (status != null) {
                            record(kind, status);
                        }
                    }
                }, "hostile-" + kind + "-" + t);
                thread.setDaemon(true);
                threads.add(thread);
            }
        }

        private void record(String kind, int status) {
            statuses.computeIfAbsent(kind, k -> new TreeMap<>());
            synchronized (statuses.get(kind)) {
                statuses.get(kind).merge(status, 1L, Long::sum);
            }
        }

        /** One character repeated, up to the body limit. */
        private int pathological(int n) {
            int size = PATHOLOGICAL_SIZES.get(n % PATHOLOGICAL_SIZES.size());
            String prefix = "{\"model\":\"economy\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"";
            String body = prefix + "a".repeat(size - prefix.length() - 4) + "\"}]}";
            return send(gateway.raw(body, Map.of()));
        }

        /** 30 small requests at once: over the rate limit and the slots. Records each answer itself. */
        private Integer burst(int n) {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                all.add(http.sendAsync(gateway.chat(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                int status;
                try {
                    status = f.join().statusCode();
                } catch (RuntimeException e) {
                    noAnswer.merge(BURST, e.toString(), (x, y) -> x.contains(y) ? x : x + " | " + y);
                    status = -1;
                }
                record(BURST, status);
            }
            return null;
        }

        private int send(HttpRequest request) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                noAnswer.merge(PATHOLOGICAL, e.toString(), (a, b) -> a.contains(b) ? a : a + " | " + b);
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        /**
         * A chat request whose body is dripped (a byte each time 100 ms pass without an answer: a
         * blocking read that times out is the wait) or stalls after {@code sent}; returns the status, -1
         * for no answer.
         */
        private int rawBody(String framing, String sent, boolean drip) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", gateway.base().getPort()), 5_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + ChaosGateway.KEY + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                if (sent != null) {
                    out.write(sent.getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
                long start = System.nanoTime();
                int first = -1;
                if (drip) {
                    socket.setSoTimeout(100);
                    while (first < 0 && !socket.isClosed()) {
                        try {
                            first = in.read();
                            if (first < 0) {
                                return -1;
                            }
                        } catch (SocketTimeoutException noAnswerYet) {
                            try {
                                out.write('x');
                                out.flush();
                            } catch (IOException closed) {
                                break;
                            }
                        }
                    }
                }
                socket.setSoTimeout(20_000);
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                if (first >= 0) {
                    head.write(first);
                }
                while (head.size() < 12) {
                    int b = in.read();
                    if (b < 0) {
                        return -1;
                    }
                    head.write(b);
                }
                slowestBodyAnswerNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                return Integer.parseInt(head.toString(StandardCharsets.US_ASCII).substring(9, 12));
            } catch (IOException e) {
                return -1;
            }
        }
    }

    private static long liveHeapBytes() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeakHeap() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peaks since {@link #resetPeakHeap}: an upper bound of the heap's peak. */
    private static long peakHeapBytes() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }
}

package dev.llmrouter.benchmarks;

import dev.llmrouter.adapters.redis.RedisClock;
import dev.llmrouter.adapters.redis.RedisLink;
import dev.llmrouter.adapters.redis.RedisRateAndQuotaStore;
import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.quota.Reservation;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;

/**
 * What one Redis round trip costs on this machine when calls come one at a time, about a millisecond
 * apart, as a gateway's requests do at 1,000 req/s (JMH's {@link RedisStoreBenchmark} calls back to
 * back, which keeps every thread and CPU awake and hides the cost of waking them). Against an embedded
 * Redis 6.2.6 on loopback, one thread, in turn:
 * <ul>
 *   <li>{@code PING} over a plain blocking socket: the floor, the kernel's loopback and two wake-ups
 *       (Redis's and the caller's);</li>
 *   <li>{@code PING} through Lettuce's synchronous API, as the stores call Redis (two more hand-offs,
 *       to Lettuce's event loop and back);</li>
 *   <li>the admission script ({@link RedisRateAndQuotaStore#admit}: rate check and reservation) and the
 *       settle, the two round trips of a request under a quota and a rate limit.</li>
 * </ul>
 * Each is timed from the caller's side (p50, p99 over 10,000 calls after as many unrecorded; {@code --calls N}
 * for another count), and Redis's own time per script is read from {@code INFO commandstats}.
 *
 * <p>Run (after {@code ./mvnw -B -q -DskipTests package}), about a minute:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.RedisRoundTrips}
 */
public final class RedisRoundTrips {

    private static final long GAP_NANOS = 1_000_000;

    /** Each kind of call's times (nanoseconds, the recorded calls in order), and Redis's own microseconds per script. */
    record Figures(long[] plainPing, long[] lettucePing, long[] admit, long[] settle, double redisMicrosPerScript) {}

    private RedisRoundTrips() {}

    /** {@code [--calls N]}: how many calls of each kind are recorded (as many again are not), 10,000 by default. */
    public static void main(String[] args) throws Exception {
        int calls = args.length == 2 && args[0].equals("--calls") ? Integer.parseInt(args[1]) : 10_000;
        Figures f = measure(calls);
        report("PING, plain socket", f.plainPing());
        report("PING, Lettuce", f.lettucePing());
        report("admission script, Lettuce", f.admit());
        report("settle script, Lettuce", f.settle());
        System.out.printf(Locale.ROOT, "Redis's own time per script (commandstats): %.1f us%n", f.redisMicrosPerScript());
    }

    static Figures measure(int calls) throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.startNew();
                RedisLink link = RedisLink.open(redis.settings())) {
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> lettuce = connection.sync();
                long[] plainPing;
                try (Socket socket = new Socket("127.0.0.1", redis.port())) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = socket.getInputStream();
                    byte[] ping = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
                    byte[] reply = new byte[16];
                    plainPing = time(calls, () -> {
                        out.write(ping);
                        out.flush();
                        int read = 0;
                        while (read < "+PONG\r\n".length()) {
                            int n = in.read(reply, read, reply.length - read);
                            if (n < 0) {
                                throw new IOException("redis closed the connection");
                            }
                            read += n;
                        }
                    });
                }
                long[] lettucePing = time(calls, lettuce::ping);

                RedisRateAndQuotaStore store = new RedisRateAndQuotaStore(link, RedisClock.server(), QuotaSeed.NONE,
                        Duration.ofHours(1), Duration.ofMillis(10));
                RateLimits limits = new RateLimits(100_000_000L, 100_000_000_000L);
                QuotaLimit quota = new QuotaLimit(1L << 50, QuotaLimit.UNBOUNDED);
                YearMonth month = YearMonth.now(ZoneOffset.UTC);
                QuotaAmount worstCase = new QuotaAmount(2_000_000, 120);
                long[] admit = new long[calls];
                long[] settle = new long[calls];
                long[] scripts = null;
                for (int round = 0; round < 2; round++) {
                    if (round == 1) {
                        scripts = commandstats(lettuce);
                    }
                    for (int i = 0; i < calls; i++) {
                        long t0 = System.nanoTime();
                        RateAndQuotaStore.Answer answer = store.admit("bench", limits, 120, month, worstCase, quota,
                                Duration.ofMinutes(5));
                        long t1 = System.nanoTime();
                        Reservation held = (Reservation) ((RateAndQuotaStore.Answer.Both) answer).quota();
                        store.quotaStore().settle(held, new QuotaAmount(1_000_000, 60));
                        long t2 = System.nanoTime();
                        admit[i] = t1 - t0;
                        settle[i] = t2 - t1;
                        pause(t0);
                    }
                }
                long[] after = commandstats(lettuce);
                double perScript = (after[1] - scripts[1]) / (double) (after[0] - scripts[0]);
                return new Figures(plainPing, lettucePing, admit, settle, perScript);
            } finally {
                client.shutdown();
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** {@code calls} calls unrecorded, then {@code calls} timed, each starting about a millisecond after the last. */
    private static long[] time(int calls, Call call) throws Exception {
        long[] took = new long[calls];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                call.run();
                took[i] = System.nanoTime() - t0;
                pause(t0);
            }
        }
        return took;
    }

    /** Spins until a millisecond after {@code started}: a gap without sleeping, whose timer would add its own wake-up. */
    private static void pause(long started) {
        while (System.nanoTime() - started < GAP_NANOS) {
            Thread.onSpinWait();
        }
    }

    private static void report(String what, long[] nanos) {
        System.out.printf(Locale.ROOT, "%-28s p50 %6.1f us  p99 %7.1f us%n", what, percentile(nanos, 50) / 1e3,
                percentile(nanos, 99) / 1e3);
    }

    /** The {@code p}th percentile (nearest rank below) of {@code nanos}. */
    static long percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length * p / 100];
    }

    /** {@code EVALSHA}'s calls and microseconds so far. */
    private static long[] commandstats(RedisCommands<String, String> redis) {
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                long calls = 0;
                long usec = 0;
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    String[] kv = field.split("=");
                    if (kv[0].equals("calls")) {
                        calls = Long.parseLong(kv[1]);
                    } else if (kv[0].equals("usec")) {
                        usec = Long.parseLong(kv[1]);
                    }
                }
                return new long[] {calls, usec};
            }
        }
        return new long[] {0, 0};
    }
}

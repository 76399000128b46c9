package dev.llmrouter.benchmarks;

import dev.llmrouter.adapters.redis.RedisAccountRateLimiter;
import dev.llmrouter.adapters.redis.RedisClock;
import dev.llmrouter.adapters.redis.RedisLink;
import dev.llmrouter.adapters.redis.RedisQuotaStore;
import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.ports.quota.EndResult;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import java.time.Duration;
import java.time.YearMonth;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shared stores' cost per request against a real Redis 6.2.6 on loopback (the embedded one the
 * adapter's tests start), on Redis's clock as in production:
 * <ul>
 *   <li>{@code reserveThenSettle}: {@link RedisQuotaStore#reserve} then {@link RedisQuotaStore#settle},
 *       one script and one round trip each, as every admitted request does;</li>
 *   <li>{@code rateAcquire}: one {@link RedisAccountRateLimiter#tryAcquire}, one script, one round trip.</li>
 * </ul>
 * Limits are far above what a run can use, so every call takes the admitting path. One thread: the
 * figure is the round trip plus the script, not Redis's throughput.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests &&
 * java -jar benchmarks/target/benchmarks.jar RedisStoreBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RedisStoreBenchmark {

    private static final YearMonth MONTH = YearMonth.of(2026, 3);
    private static final QuotaAmount WORST_CASE = new QuotaAmount(166_340_000, 17_384);
    private static final QuotaAmount ACTUAL = new QuotaAmount(3_700_000, 1_110);
    private static final QuotaLimit LIMIT = new QuotaLimit(1L << 52, 1L << 52);
    private static final RateLimits RATE = new RateLimits(1L << 40, 1L << 40);

    private EmbeddedRedis server;
    private RedisLink link;
    private QuotaStore quota;
    private RedisAccountRateLimiter rate;

    @Setup
    public void start() {
        server = EmbeddedRedis.startNew();
        link = RedisLink.open(server.settings());
        quota = new RedisQuotaStore(link, RedisClock.server(), QuotaSeed.NONE, Duration.ofHours(1));
        rate = new RedisAccountRateLimiter(link, RedisClock.server(), RedisAccountRateLimiter.DEFAULT_GRANULARITY);
    }

    @TearDown
    public void stop() {
        link.close();
        server.close();
    }

    @Benchmark
    public EndResult reserveThenSettle() {
        ReserveResult held = quota.reserve("acct-1", MONTH, WORST_CASE, LIMIT, QuotaStore.DEFAULT_LEASE);
        return quota.settle((Reservation) held, ACTUAL);
    }

    @Benchmark
    public RateAnswer rateAcquire() {
        return rate.tryAcquire("acct-1", RATE, 1_000);
    }
}

package dev.llmrouter.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 7.3 across processes: four rate limiters (each on its own Lettuce client, as four
 * gateway processes) sharing one real Redis, on Redis's own clock, admit exactly the limit of a
 * rolling minute between them under 16 threads, and tell the rest when to retry. Also: every key
 * carries the account in a hash tag (one slot, so the scripts run on Redis Cluster) and has a TTL.
 */
class SharedRateLimitTest {

    private final EmbeddedRedis server = EmbeddedRedis.shared();
    private final List<RedisLink> links = new ArrayList<>();

    @AfterEach
    void close() {
        links.forEach(RedisLink::close);
    }

    private RedisLink link() {
        RedisLink link = RedisLink.open(server.settings());
        links.add(link);
        return link;
    }

    /**
     * The minute, and one granule: an admission is stamped at the end of its 10 ms granule, so a call
     * refused within the granule of the admissions that filled the window waits until that stamp has
     * left it (the limiter's documented price for its bounded log).
     */
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(1).plus(RedisAccountRateLimiter.DEFAULT_GRANULARITY);

    @Test
    @DisplayName("Requirement 7.3: 16 threads over 4 replicas on Redis's clock admit exactly the limit in a minute, the rest told to wait at most that minute and one granule")
    void exactlyTheLimitAcrossReplicas() throws Exception {
        server.flushAll();
        List<AccountRateLimiter> replicas = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replicas.add(new RedisAccountRateLimiter(link(), RedisClock.server(), RedisAccountRateLimiter.DEFAULT_GRANULARITY));
        }
        RateLimits limits = new RateLimits(120, 0);
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger badWaits = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 25; i++) {
                        AccountRateLimiter limiter = replicas.get(ThreadLocalRandom.current().nextInt(replicas.size()));
                        RateDecision decision = ((RateAnswer.Decided) limiter.tryAcquire("shared", limits, 1)).decision();
                        if (decision.isAllowed()) {
                            admitted.incrementAndGet();
                        } else if (!(decision instanceof RateDecision.Limited limited)
                                || limited.retryAfter().compareTo(LONGEST_WAIT) > 0) {
                            badWaits.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(elapsed).as("all 400 calls fell in one minute").isLessThan(Duration.ofMinutes(1));
        assertThat(admitted.get()).isEqualTo(120);
        assertThat(badWaits.get()).isZero();
    }

    @Test
    @DisplayName("Requirement 7.2: an account's keys share one hash slot (Redis Cluster) and every key expires")
    void keysShareASlotAndExpire() {
        server.flushAll();
        RedisLink link = link();
        new RedisQuotaStore(link, RedisClock.server(), QuotaSeed.NONE, Duration.ofHours(1))
                .reserve("team-{a}", YearMonth.of(2026, 1), new QuotaAmount(1, 1), QuotaLimit.UNLIMITED, Duration.ofMinutes(1));
        new RedisAccountRateLimiter(link, RedisClock.server(), RedisAccountRateLimiter.DEFAULT_GRANULARITY)
                .tryAcquire("team-{a}", new RateLimits(10, 100), 5);
        List<String> keys = Stream.concat(
                Stream.of(RedisQuotaStore.keys("team-{a}", YearMonth.of(2026, 1))),
                Stream.of(RedisAccountRateLimiter.keys("team-{a}"))).toList();

        assertThat(keys.stream().map(SlotHash::getSlot).distinct()).hasSize(1);
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            List<String> stored = redis.keys("llmr:*");
            assertThat(stored).as("month, reservations, leases, log, sums").hasSize(5);
            for (String key : stored) {
                assertThat(redis.pttl(key)).as(key).isPositive();
            }
        } finally {
            client.shutdown();
        }
    }
}

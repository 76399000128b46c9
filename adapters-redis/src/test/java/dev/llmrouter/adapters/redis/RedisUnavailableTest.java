package dev.llmrouter.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.ports.quota.Ended;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.StoreUnavailable;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.time.YearMonth;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 7.5 on a real Redis: a store that cannot answer (stopped, never started, or slower than
 * the command timeout) answers {@link StoreUnavailable} / {@link RateAnswer.Unavailable} within a
 * bounded time, never an exception; and answers again, its scripts reloaded, once Redis is back.
 */
class RedisUnavailableTest {

    private static final YearMonth MONTH = YearMonth.of(2026, 1);
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final QuotaLimit LIMIT = new QuotaLimit(10_000, QuotaLimit.UNBOUNDED);
    private static final RateLimits RATE = new RateLimits(100, 0);

    private final FakeClock clock = new FakeClock();
    private final EmbeddedRedis server = EmbeddedRedis.startNew();
    private final RedisLink link = RedisLink.open(server.settings().withCommandTimeout(TIMEOUT));
    private final RedisQuotaStore quota = new RedisQuotaStore(link, RedisClock.caller(clock), QuotaSeed.NONE, Duration.ofHours(1));
    private final RedisAccountRateLimiter rate =
            new RedisAccountRateLimiter(link, RedisClock.caller(clock), RedisAccountRateLimiter.DEFAULT_GRANULARITY);

    @AfterEach
    void stop() {
        link.close();
        server.close();
    }

    @Test
    @DisplayName("Requirement 7.5: Redis stopped: every operation answers unavailable at once; restarted: it answers again")
    void stoppedThenBack() {
        Reservation held = (Reservation) quota.reserve("acct", MONTH, new QuotaAmount(1_000, 0), LIMIT, Duration.ofMinutes(1));
        server.stop();

        long start = System.nanoTime();
        assertThat(quota.reserve("acct", MONTH, new QuotaAmount(1, 0), LIMIT, Duration.ofMinutes(1))).isInstanceOf(StoreUnavailable.class);
        assertThat(quota.settle(held, new QuotaAmount(500, 0))).isInstanceOf(StoreUnavailable.class);
        assertThat(quota.release(held)).isInstanceOf(StoreUnavailable.class);
        assertThat(quota.resize(held, new QuotaAmount(2, 0), LIMIT)).isInstanceOf(StoreUnavailable.class);
        assertThat(rate.tryAcquire("acct", RATE, 1)).isInstanceOf(RateAnswer.Unavailable.class);
        assertThat(rate.check("acct", RATE, 1)).isInstanceOf(RateAnswer.Unavailable.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("six answers, none waiting past the timeout")
                .isLessThan(TIMEOUT.multipliedBy(6));

        server.start(); // empty, and without the scripts: the next calls reload them
        awaitReconnected();
        assertThat(quota.reserve("acct", MONTH, new QuotaAmount(10_000, 0), LIMIT, Duration.ofMinutes(1)))
                .as("the month is seeded again (nothing: no ledger here)").isInstanceOf(Reservation.class);
        assertThat(rate.tryAcquire("acct", RATE, 1)).isInstanceOf(RateAnswer.Decided.class);
    }

    @Test
    @DisplayName("Requirement 7.5: a Redis slower than the command timeout answers unavailable after the timeout, not later")
    void slowerThanTheTimeout() throws Exception {
        RedisClient other = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> blocker = other.connect()) {
            // DEBUG SLEEP 2: the server answers nothing for two seconds.
            RedisFuture<String> busy = blocker.async().dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                    new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(2));
            long start = System.nanoTime();
            assertThat(quota.reserve("acct", MONTH, new QuotaAmount(1, 0), LIMIT, Duration.ofMinutes(1))).isInstanceOf(StoreUnavailable.class);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(waited).isLessThan(Duration.ofMillis(1_500));
            busy.get(10, TimeUnit.SECONDS);
        } finally {
            other.shutdown();
        }
        assertThat(quota.reserve("acct", MONTH, new QuotaAmount(1, 0), LIMIT, Duration.ofMinutes(1))).isInstanceOf(Reservation.class);
    }

    @Test
    @DisplayName("Requirement 7.5: a Redis down when the process starts is unavailable, not a failed start")
    void downAtStart() {
        server.stop();
        try (RedisLink early = RedisLink.open(server.settings().withCommandTimeout(TIMEOUT))) {
            RedisQuotaStore store = new RedisQuotaStore(early, RedisClock.server(), QuotaSeed.NONE, Duration.ofHours(1));
            assertThat(store.reserve("acct", MONTH, new QuotaAmount(1, 0), LIMIT, Duration.ofMinutes(1))).isInstanceOf(StoreUnavailable.class);
            assertThat(early.isReachable()).isFalse();
        }
    }

    @Test
    @DisplayName("scripts are called by SHA and loaded again when Redis forgot them (NOSCRIPT)")
    void reloadsForgottenScripts() {
        Reservation held = (Reservation) quota.reserve("acct", MONTH, new QuotaAmount(1_000, 0), LIMIT, Duration.ofMinutes(1));
        server.flushScripts();
        assertThat(quota.settle(held, new QuotaAmount(400, 0))).isEqualTo(Ended.WITHIN_LEASE);
        server.flushScripts();
        assertThat(rate.tryAcquire("acct", RATE, 1)).isInstanceOf(RateAnswer.Decided.class);
    }

    private void awaitReconnected() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!link.isReachable()) {
            assertThat(System.nanoTime() - deadline).as("reconnected within 20 s").isNegative();
        }
    }
}

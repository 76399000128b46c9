package dev.llmrouter.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.YearMonth;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.2 and 7.3 on Redis: the router's cheap check before the estimate is answered from the
 * latest admission, with no round trip, so that a request under its limits costs one script to admit
 * and one to settle. In one process the answer is yes exactly when a check of a request of no tokens
 * admits; with several processes, a yes made stale by another's admissions never admits past the
 * limit (the admission script decides), and the refusal turns it into a no. A Redis that fails leaves
 * no yes behind.
 */
@DisplayName("Requirement 9.2 — on Redis the precheck's room answer needs no round trip and never decides the limit")
class RedisRoomForOneMoreTest {

    private static final YearMonth MONTH = YearMonth.of(2026, 1);
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final QuotaLimit QUOTA = new QuotaLimit(1_000_000, 1_000_000);
    private static final QuotaAmount WORST_CASE = new QuotaAmount(100, 10);
    private static final RateLimits THREE_A_MINUTE = new RateLimits(3, 0);

    private static RedisRateAndQuotaStore store(RedisLink link) {
        return new RedisRateAndQuotaStore(link, RedisClock.server(), QuotaSeed.NONE, Duration.ofHours(1),
                RedisAccountRateLimiter.DEFAULT_GRANULARITY);
    }

    private static boolean admitted(RateAndQuotaStore.Answer answer) {
        return answer instanceof RateAndQuotaStore.Answer.Both;
    }

    private static boolean checkAdmits(RedisAccountRateLimiter limiter, String account, RateLimits limits) {
        return ((RateAnswer.Decided) limiter.check(account, limits, 0)).decision().isAllowed();
    }

    @Test
    @DisplayName("one process: yes while the latest admission left room, no at the limit, and no EVALSHA to say so")
    void oneProcess() {
        try (EmbeddedRedis server = EmbeddedRedis.startNew(); RedisLink link = RedisLink.open(server.settings())) {
            RedisRateAndQuotaStore store = store(link);
            RedisAccountRateLimiter rates = store.rateLimiter();
            assertThat(rates.surelyRoomForOneMore("acct", THREE_A_MINUTE)).as("nothing answered yet").isFalse();

            assertThat(admitted(store.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))).isTrue();
            assertThat(admitted(store.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))).isTrue();
            long before = evalshaCalls(server);
            for (int i = 0; i < 100; i++) {
                assertThat(rates.surelyRoomForOneMore("acct", THREE_A_MINUTE)).isTrue();
            }
            assertThat(evalshaCalls(server)).as("EVALSHA calls for 100 room answers").isEqualTo(before);
            assertThat(rates.surelyRoomForOneMore("acct", new RateLimits(4, 0))).as("other limits: ask").isFalse();
            assertThat(rates.surelyRoomForOneMore("other", THREE_A_MINUTE)).as("another account: ask").isFalse();
            assertThat(checkAdmits(rates, "acct", THREE_A_MINUTE)).isTrue();

            assertThat(admitted(store.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))).isTrue();
            assertThat(rates.surelyRoomForOneMore("acct", THREE_A_MINUTE)).as("the limit reached").isFalse();
            assertThat(checkAdmits(rates, "acct", THREE_A_MINUTE)).isFalse();

            assertThat(rates.tryAcquire("solo", THREE_A_MINUTE, 1)).isInstanceOf(RateAnswer.Decided.class);
            assertThat(rates.surelyRoomForOneMore("solo", THREE_A_MINUTE)).as("the limiter alone remembers too").isTrue();
        }
    }

    @Test
    @DisplayName("two processes: a yes made stale by the other's admissions still admits nothing past the limit")
    void twoProcesses() {
        try (EmbeddedRedis server = EmbeddedRedis.startNew();
                RedisLink linkA = RedisLink.open(server.settings());
                RedisLink linkB = RedisLink.open(server.settings())) {
            RedisRateAndQuotaStore a = store(linkA);
            RedisRateAndQuotaStore b = store(linkB);
            assertThat(admitted(a.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))).isTrue();
            assertThat(admitted(b.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))).isTrue();
            assertThat(admitted(b.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))).isTrue();
            assertThat(b.rateLimiter().surelyRoomForOneMore("acct", THREE_A_MINUTE)).isFalse();
            assertThat(a.rateLimiter().surelyRoomForOneMore("acct", THREE_A_MINUTE))
                    .as("A has not heard of B's admissions").isTrue();

            assertThat(a.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))
                    .as("the admission script decides").isInstanceOf(RateAndQuotaStore.Answer.RateOnly.class);
            assertThat(a.rateLimiter().surelyRoomForOneMore("acct", THREE_A_MINUTE)).as("the refusal says so").isFalse();
            assertThat(checkAdmits(a.rateLimiter(), "acct", THREE_A_MINUTE)).isFalse();
        }
    }

    @Test
    @DisplayName("a Redis that stops answering leaves no yes behind")
    void redisDown() {
        try (EmbeddedRedis server = EmbeddedRedis.startNew();
                RedisLink link = RedisLink.open(server.settings().withCommandTimeout(Duration.ofMillis(300)))) {
            RedisRateAndQuotaStore store = store(link);
            assertThat(admitted(store.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))).isTrue();
            assertThat(store.rateLimiter().surelyRoomForOneMore("acct", THREE_A_MINUTE)).isTrue();

            server.stop();
            assertThat(store.admit("acct", THREE_A_MINUTE, 10, MONTH, WORST_CASE, QUOTA, LEASE))
                    .isInstanceOfSatisfying(RateAndQuotaStore.Answer.RateOnly.class,
                            only -> assertThat(only.rate()).isInstanceOf(RateAnswer.Unavailable.class));
            assertThat(store.rateLimiter().surelyRoomForOneMore("acct", THREE_A_MINUTE)).isFalse();
        }
    }

    private static long evalshaCalls(EmbeddedRedis server) {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            for (String line : connection.sync().info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_evalsha:")) {
                    String calls = line.substring(line.indexOf("calls=") + 6);
                    return Long.parseLong(calls.substring(0, calls.indexOf(',')));
                }
            }
            return 0;
        } finally {
            client.shutdown();
        }
    }
}

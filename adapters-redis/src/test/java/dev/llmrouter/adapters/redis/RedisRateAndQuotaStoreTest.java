package dev.llmrouter.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.ports.quota.EndResult;
import dev.llmrouter.ports.quota.Ended;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaStoreContract;
import dev.llmrouter.ports.quota.QuotaUsage;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.AccountRateLimiterContract;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Requirements 5.4, 5.5, 7.2 and 7.3 on {@link RedisRateAndQuotaStore} against a real Redis 6.2.6:
 * its one-script admission keeps both contracts ({@link AccountRateLimiterContract} through
 * {@code admit}'s rate part, {@link QuotaStoreContract} through {@code admit}'s reservation), answers
 * exactly what the two Redis stores asked in turn answer, and is one round trip to admit and one to
 * settle (counted by Redis's {@code INFO commandstats}).
 */
@DisplayName("Requirements 5.4, 5.5, 7.2, 7.3: the rate check and the reservation in one Redis script")
class RedisRateAndQuotaStoreTest {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private static final YearMonth MONTH = YearMonth.of(2026, 1);

    private final List<RedisLink> links = new ArrayList<>();
    private RedisLink sharedLink;

    @AfterEach
    void close() {
        links.forEach(RedisLink::close);
        links.clear();
        sharedLink = null;
    }

    private RedisLink link(EmbeddedRedis server) {
        RedisLink link = RedisLink.open(server.settings());
        links.add(link);
        return link;
    }

    /** One link to the shared server for the whole class, as a gateway process has one. */
    private RedisLink sharedLink() {
        if (sharedLink == null) {
            sharedLink = link(EmbeddedRedis.shared());
        }
        return sharedLink;
    }

    private static RedisRateAndQuotaStore store(RedisLink link, FakeClock clock) {
        return new RedisRateAndQuotaStore(link, RedisClock.caller(clock), QuotaSeed.NONE, Duration.ofHours(1),
                RedisAccountRateLimiter.DEFAULT_GRANULARITY);
    }

    /** The rate limiter contract, every admission made by {@code admit} with nothing to reserve. */
    @Nested
    @DisplayName("admit's rate check keeps the rate limiter contract")
    class RateContract extends AccountRateLimiterContract {

        @Override
        protected AccountRateLimiter newLimiter(FakeClock clock) {
            EmbeddedRedis.shared().flushAll();
            RedisRateAndQuotaStore store = store(sharedLink(), clock);
            return new AccountRateLimiter() {
                @Override
                public RateAnswer tryAcquire(String account, RateLimits limits, long tokens) {
                    RateAndQuotaStore.Answer answer = store.admit(account, limits, tokens, MONTH, QuotaAmount.ZERO,
                            QuotaLimit.UNLIMITED, LEASE);
                    if (answer instanceof RateAndQuotaStore.Answer.Both both) {
                        assertThat(both.quota()).isInstanceOf(Reservation.class);
                        return new RateAnswer.Decided(both.rate());
                    }
                    return ((RateAndQuotaStore.Answer.RateOnly) answer).rate();
                }

                @Override
                public RateAnswer check(String account, RateLimits limits, long tokens) {
                    return store.rateLimiter().check(account, limits, tokens);
                }
            };
        }
    }

    /** The quota store contract, every reservation made by {@code admit} under a rate limit it never reaches. */
    @Nested
    @DisplayName("admit's reservation keeps the quota store contract")
    class QuotaContract extends QuotaStoreContract {

        private static final RateLimits ROOMY = new RateLimits(1_000_000, 0);

        @Override
        protected QuotaStore newStore(FakeClock clock) {
            EmbeddedRedis.shared().flushAll();
            RedisRateAndQuotaStore store = store(sharedLink(), clock);
            QuotaStore quotas = store.quotaStore();
            return new QuotaStore() {
                @Override
                public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
                    RateAndQuotaStore.Answer answer = store.admit(account, ROOMY, 1, period, amount, limit, lease);
                    assertThat(answer).isInstanceOf(RateAndQuotaStore.Answer.Both.class);
                    return ((RateAndQuotaStore.Answer.Both) answer).quota();
                }

                @Override
                public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
                    return quotas.resize(held, newAmount, limit);
                }

                @Override
                public EndResult settle(Reservation reservation, QuotaAmount actual) {
                    return quotas.settle(reservation, actual);
                }

                @Override
                public EndResult release(Reservation reservation) {
                    return quotas.release(reservation);
                }

                @Override
                public QuotaUsage usage(String account, YearMonth period) {
                    return quotas.usage(account, period);
                }
            };
        }
    }

    /** One request: its tokens and worst-case cost, how long after the previous one it comes, what it settles at. */
    record Step(long tokens, long cost, long afterMillis, int settlePercent) {}

    private static Gen<Step> steps() {
        return longs().between(0, 700).zip(longs().between(0, 4_000), longs().between(0, 25_000), integers().between(0, 150),
                Step::new);
    }

    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    @Test
    @DisplayName("for any sequence of requests, the same answers as the rate limiter then the quota store asked in turn")
    void sameAnswersAsTheTwoStoresInTurn() {
        RedisLink link = sharedLink();
        RateLimits limits = new RateLimits(6, 2_000);
        QuotaLimit quota = new QuotaLimit(12_000, 3_000);
        // Few shrink cycles: a Redis that stops answering fails every example at once, and shrinking that is no use.
        qt().withExamples(40).withShrinkCycles(50).forAll(lists().of(steps()).ofSizeBetween(1, 40)).checkAssert(steps -> {
            FakeClock clock = new FakeClock();
            RedisRateAndQuotaStore oneScript = store(link, clock);
            RateAndQuotaStore inTurn = RateAndQuotaStore.of(
                    new RedisAccountRateLimiter(link, RedisClock.caller(clock), RedisAccountRateLimiter.DEFAULT_GRANULARITY),
                    new RedisQuotaStore(link, RedisClock.caller(clock), QuotaSeed.NONE, Duration.ofHours(1)));
            String a = "one-" + ACCOUNTS.incrementAndGet();
            String b = "two-" + ACCOUNTS.incrementAndGet();
            for (Step step : steps) {
                clock.advanceMillis(step.afterMillis());
                QuotaAmount worstCase = new QuotaAmount(step.cost(), step.tokens());
                RateAndQuotaStore.Answer one = oneScript.admit(a, limits, step.tokens(), MONTH, worstCase, quota, LEASE);
                RateAndQuotaStore.Answer two = inTurn.admit(b, limits, step.tokens(), MONTH, worstCase, quota, LEASE);

                assertThat(List.of(one, two)).as("Redis answered")
                        .noneMatch(answer -> answer instanceof RateAndQuotaStore.Answer.RateOnly rateOnly
                                && rateOnly.rate() instanceof RateAnswer.Unavailable);
                assertThat(one.getClass()).isEqualTo(two.getClass());
                if (one instanceof RateAndQuotaStore.Answer.RateOnly rateOnly) {
                    assertThat(rateOnly).isEqualTo(two);
                    continue;
                }
                RateAndQuotaStore.Answer.Both both = (RateAndQuotaStore.Answer.Both) one;
                RateAndQuotaStore.Answer.Both expected = (RateAndQuotaStore.Answer.Both) two;
                assertThat(both.rate()).isEqualTo(expected.rate());
                if (expected.quota() instanceof Reservation held) {
                    Reservation reservation = (Reservation) both.quota();
                    assertThat(reservation.amount()).isEqualTo(held.amount());
                    assertThat(reservation.expiresAtEpochNanos()).isEqualTo(held.expiresAtEpochNanos());
                    QuotaAmount actual = new QuotaAmount(step.cost() * step.settlePercent() / 100,
                            step.tokens() * step.settlePercent() / 100);
                    assertThat(oneScript.quotaStore().settle(reservation, actual))
                            .isEqualTo(inTurn.quotaStore().settle(held, actual));
                } else {
                    assertThat(both.quota()).isEqualTo(expected.quota());
                }
            }
            QuotaUsage usage = oneScript.quotaStore().usage(a, MONTH);
            QuotaUsage expectedUsage = inTurn.quotaStore().usage(b, MONTH);
            assertThat(usage.settled()).isEqualTo(expectedUsage.settled());
            assertThat(usage.reserved()).isEqualTo(expectedUsage.reserved());
        });
    }

    @Test
    @DisplayName("one EVALSHA to admit (rate check and reservation) and one to settle, once the month is held")
    void oneRoundTripToAdmitAndOneToSettle() {
        try (EmbeddedRedis server = EmbeddedRedis.startNew()) {
            RedisRateAndQuotaStore store = new RedisRateAndQuotaStore(link(server), RedisClock.server(), QuotaSeed.NONE,
                    Duration.ofHours(1), RedisAccountRateLimiter.DEFAULT_GRANULARITY);
            RateLimits limits = new RateLimits(100, 100_000);
            QuotaLimit quota = new QuotaLimit(1_000_000, 100_000);
            // The first admission and settle load their scripts (NOSCRIPT, SCRIPT LOAD, EVALSHA again).
            RateAndQuotaStore.Answer first = store.admit("acct", limits, 10, MONTH, new QuotaAmount(100, 10), quota, LEASE);
            store.quotaStore().settle((Reservation) ((RateAndQuotaStore.Answer.Both) first).quota(), new QuotaAmount(50, 5));
            long scriptsLoaded = stat(server, "cmdstat_script");
            long evalshaBefore = evalshaCalls(server);

            List<Reservation> held = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                RateAndQuotaStore.Answer answer = store.admit("acct", limits, 10, MONTH, new QuotaAmount(100, 10), quota, LEASE);
                assertThat(answer).isInstanceOfSatisfying(RateAndQuotaStore.Answer.Both.class,
                        both -> held.add((Reservation) both.quota()));
            }
            long admitted = evalshaCalls(server);
            for (Reservation reservation : held) {
                assertThat(store.quotaStore().settle(reservation, new QuotaAmount(50, 5))).isEqualTo(Ended.WITHIN_LEASE);
            }
            long settled = evalshaCalls(server);

            assertThat(admitted - evalshaBefore).as("EVALSHA calls for 20 admissions").isEqualTo(20);
            assertThat(settled - admitted).as("EVALSHA calls for 20 settles").isEqualTo(20);
            assertThat(stat(server, "cmdstat_script")).as("no script loaded again").isEqualTo(scriptsLoaded);
            QuotaUsage usage = store.quotaStore().usage("acct", MONTH);
            assertThat(usage.settled()).isEqualTo(new QuotaAmount(21 * 50, 21 * 5));
            assertThat(usage.reserved()).isEqualTo(QuotaAmount.ZERO);
        }
    }

    private static long evalshaCalls(EmbeddedRedis server) {
        return stat(server, "cmdstat_evalsha");
    }

    private static long stat(EmbeddedRedis server, String name) {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            for (String line : connection.sync().info("commandstats").split("\r?\n")) {
                if (line.startsWith(name + ":")) {
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

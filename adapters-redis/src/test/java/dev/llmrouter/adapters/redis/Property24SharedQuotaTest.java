package dev.llmrouter.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.quota.Ended;
import dev.llmrouter.ports.quota.NotOpen;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaRefused;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaUsage;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 24 (Requirement 7.2) and Requirement 7.4 on a real Redis: requests spread over several
 * gateway processes (each a {@link RedisQuotaStore} on its own Lettuce client) sharing one Redis never
 * admit spend past the quota; a dead process's reservations hold until their lease ends; a Redis that
 * lost its data (FLUSHALL, or a restart without persistence) rebuilds the month from the ledger before
 * admitting, and the month stays within its quota.
 */
class Property24SharedQuotaTest {

    private static final YearMonth MONTH = YearMonth.of(2026, 1);
    private static final Duration LEASE = Duration.ofMinutes(15);
    private static final int REPLICAS = 4;
    private static final int THREADS = 16;

    private final FakeClock clock = new FakeClock();
    private final Ledger ledger = new Ledger();
    private EmbeddedRedis server;
    private final List<RedisLink> links = new ArrayList<>();

    @BeforeEach
    void start() {
        server = EmbeddedRedis.startNew();
    }

    @AfterEach
    void stop() {
        links.forEach(RedisLink::close);
        server.close();
    }

    /** A usage ledger: what each account's month settled, recorded by the time the month is rebuilt. */
    private static final class Ledger implements QuotaSeed {
        final AtomicLong cost = new AtomicLong();
        final AtomicLong reads = new AtomicLong();

        @Override
        public QuotaAmount settled(String account, YearMonth period) {
            reads.incrementAndGet();
            return new QuotaAmount(cost.get(), 0);
        }
    }

    private QuotaStore replica() {
        RedisLink link = RedisLink.open(server.settings());
        links.add(link);
        return new RedisQuotaStore(link, RedisClock.caller(clock), ledger, Duration.ofHours(1));
    }

    private List<QuotaStore> replicas() {
        List<QuotaStore> stores = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            stores.add(replica());
        }
        return stores;
    }

    /**
     * 16 threads, each request on a random replica: reserve a random worst case, then settle a random
     * actual (recorded in the ledger first) or release. Returns the worst cases admitted.
     */
    private long run(List<QuotaStore> stores, QuotaLimit limit, int requestsPerThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong admitted = new AtomicLong();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < requestsPerThread; i++) {
                        QuotaStore store = stores.get(random.nextInt(stores.size()));
                        long worst = 1 + random.nextLong(5_000);
                        if (store.reserve("acct", MONTH, new QuotaAmount(worst, 0), limit, LEASE) instanceof Reservation held) {
                            admitted.addAndGet(worst);
                            QuotaStore ender = stores.get(random.nextInt(stores.size()));
                            if (random.nextInt(4) > 0) {
                                long actual = random.nextLong(worst + 1);
                                ledger.cost.addAndGet(actual);
                                assertThat(ender.settle(held, new QuotaAmount(actual, 0))).isEqualTo(Ended.WITHIN_LEASE);
                            } else {
                                assertThat(ender.release(held)).isEqualTo(Ended.WITHIN_LEASE);
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return admitted.get();
    }

    @Test
    @DisplayName("Property 24: 16 threads over 4 replicas sharing one Redis never settle more than the quota")
    void neverPastTheQuotaAcrossReplicas() throws Exception {
        List<QuotaStore> stores = replicas();
        QuotaLimit limit = new QuotaLimit(200_000, QuotaLimit.UNBOUNDED);

        long admitted = run(stores, limit, 150);

        QuotaUsage usage = stores.get(0).usage("acct", MONTH);
        assertThat(admitted).as("the quota was exercised").isGreaterThan(limit.costNanos());
        assertThat(ledger.cost.get()).isLessThanOrEqualTo(limit.costNanos());
        assertThat(usage.settled().costNanos()).as("every replica counted into one month").isEqualTo(ledger.cost.get());
        assertThat(usage.reserved()).isEqualTo(QuotaAmount.ZERO);
    }

    @Test
    @DisplayName("Requirement 7.4: Redis loses its data (FLUSHALL, then a restart) under use; each time the month is rebuilt from the ledger before admitting, and stays within its quota")
    void rebuiltFromTheLedgerAfterDataLoss() throws Exception {
        List<QuotaStore> stores = replicas();
        QuotaLimit limit = new QuotaLimit(1_500_000, QuotaLimit.UNBOUNDED);

        run(stores, limit, 20);
        server.flushAll();
        assertThat(stores.get(1).usage("acct", MONTH)).as("Redis holds nothing now").isEqualTo(QuotaUsage.NONE);
        run(stores, limit, 20);
        server.restart();
        awaitReconnected();
        long before = ledger.cost.get();
        long admittedAfter = run(stores, limit, 300);

        QuotaUsage usage = stores.get(2).usage("acct", MONTH);
        assertThat(before).as("the month had spend to lose").isPositive();
        assertThat(admittedAfter).as("the quota was exercised after the losses").isGreaterThan(limit.costNanos() - before);
        assertThat(ledger.cost.get()).as("no overspend across two losses").isLessThanOrEqualTo(limit.costNanos());
        assertThat(usage.settled().costNanos()).as("the rebuilt month holds every record").isEqualTo(ledger.cost.get());
        assertThat(ledger.reads.get()).as("seeded at first use and after each loss").isGreaterThanOrEqualTo(3);
    }

    private static Reservation held(ReserveResult result) {
        assertThat(result).isInstanceOf(Reservation.class);
        return (Reservation) result;
    }

    /** Lettuce reconnects by itself after a restart; until then every call answers unavailable at once. */
    private void awaitReconnected() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!links.stream().allMatch(RedisLink::isReachable)) {
            assertThat(System.nanoTime() - deadline).as("reconnected within 20 s").isNegative();
        }
    }

    @Test
    @DisplayName("Requirement 7.4: a reservation whose process died holds its worst case on every replica until its lease ends, then the room returns")
    void deadProcessReservationExpiresWithItsLease() {
        QuotaStore dying = replica();
        QuotaStore survivor = replica();
        QuotaLimit limit = new QuotaLimit(10_000, QuotaLimit.UNBOUNDED);
        Reservation orphan = held(dying.reserve("acct", MONTH, new QuotaAmount(8_000, 0), limit, Duration.ofMinutes(5)));
        links.get(0).close(); // the process dies holding it

        assertThat(survivor.reserve("acct", MONTH, new QuotaAmount(2_001, 0), limit, LEASE)).isInstanceOf(QuotaRefused.class);
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(survivor.reserve("acct", MONTH, new QuotaAmount(2_001, 0), limit, LEASE))
                .as("a millisecond before the lease ends").isInstanceOf(QuotaRefused.class);
        clock.advanceMillis(1);
        Reservation after = held(survivor.reserve("acct", MONTH, new QuotaAmount(10_000, 0), limit, LEASE));

        assertThat(survivor.usage("acct", MONTH)).isEqualTo(new QuotaUsage(QuotaAmount.ZERO, new QuotaAmount(10_000, 0), 1));
        assertThat(survivor.settle(orphan, QuotaAmount.ZERO)).as("ended late by anyone, it counts what it used").isEqualTo(Ended.AFTER_LEASE);
        assertThat(survivor.release(after)).isEqualTo(Ended.WITHIN_LEASE);
    }

    @Test
    @DisplayName("Requirement 7.4: a reservation of a lost month is not open in the rebuilt one, and no new reservation takes its id")
    void lostReservationIsNotOpenAfterRebuild() {
        QuotaStore store = replica();
        QuotaLimit limit = new QuotaLimit(10_000, QuotaLimit.UNBOUNDED);
        Reservation lost = held(store.reserve("acct", MONTH, new QuotaAmount(1_000, 0), limit, LEASE));
        server.flushAll();
        Reservation fresh = held(store.reserve("acct", MONTH, new QuotaAmount(1_000, 0), limit, LEASE));

        assertThat(fresh.id()).isNotEqualTo(lost.id());
        assertThat(store.settle(lost, new QuotaAmount(500, 0))).isEqualTo(new NotOpen(lost.id()));
        assertThat(store.usage("acct", MONTH)).isEqualTo(new QuotaUsage(QuotaAmount.ZERO, new QuotaAmount(1_000, 0), 1));
    }
}

package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 17 while state is evicted under the callers' feet: eight threads on four accounts, every
 * operation moving a shared fake clock past the one-millisecond idle expiry, so months are evicted,
 * pinned, taken back and retired all the time. Spend rebuilt from the seed (a ledger written before
 * each settle) must still never exceed the quota, and every reservation must find its month.
 */
@DisplayName("Property 17 — quota holds while idle months are evicted concurrently")
class QuotaStoreEvictionRaceTest {

    private static final YearMonth MONTH = YearMonth.of(2026, 3);
    private static final String[] ACCOUNTS = {"a", "b", "c", "d"};

    @Test
    void evictionNeverLosesSpendOrReservations() throws Exception {
        FakeClock clock = new FakeClock(java.time.Instant.parse("2026-03-10T00:00:00Z"));
        ConcurrentHashMap<String, AtomicLong> ledger = new ConcurrentHashMap<>();
        QuotaSeed fromLedger = (account, period) ->
                new QuotaAmount(ledger.computeIfAbsent(account, a -> new AtomicLong()).get(), 0);
        InMemoryQuotaStore store = new InMemoryQuotaStore(clock, Duration.ofMillis(1), fromLedger);
        QuotaLimit limit = new QuotaLimit(2_000_003, QuotaLimit.UNBOUNDED);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 31L * (t + 7);
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    long refused = 0;
                    for (int i = 0; i < 3_000; i++) {
                        String account = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
                        clock.advance(Duration.ofMillis(1 + random.nextInt(2)));
                        ReserveResult result = Quotas.reserve(store, account, MONTH, new QuotaAmount(1 + random.nextLong(5_000), 0), limit);
                        if (result instanceof Reservation r) {
                            clock.advance(Duration.ofMillis(random.nextInt(3)));
                            long actual = random.nextLong(r.amount().costNanos() + 1);
                            if (random.nextBoolean()) {
                                // A ledger that holds the usage by the time the month can be evicted and seeded again.
                                ledger.computeIfAbsent(account, a -> new AtomicLong()).addAndGet(actual);
                                assertThat(Quotas.ended(store.settle(r, new QuotaAmount(actual, 0)))).isTrue();
                            } else {
                                assertThat(Quotas.ended(store.release(r))).isTrue();
                            }
                        } else {
                            refused++;
                        }
                    }
                    return refused;
                }));
            }
            start.countDown();
            long refused = 0;
            for (Future<Long> f : futures) {
                refused += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(refused).as("quotas ran out during the run").isPositive();
            for (String account : ACCOUNTS) {
                long spent = ledger.get(account).get();
                assertThat(spent).as("spend of " + account).isLessThanOrEqualTo(limit.costNanos());
                QuotaUsage usage = store.usage(account, MONTH);
                assertThat(usage.reserved()).isEqualTo(QuotaAmount.ZERO);
                assertThat(usage.settled().costNanos()).isEqualTo(spent);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

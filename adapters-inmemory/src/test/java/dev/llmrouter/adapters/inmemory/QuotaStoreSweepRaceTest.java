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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 17 — a sweep dropping an idle account's month races the callers that bring the account
 * back: every reservation they get must land in the one live month, where it counts.
 */
@DisplayName("Property 17 — no reservation lands in a month the sweep dropped")
class QuotaStoreSweepRaceTest {

    private static final YearMonth MARCH = YearMonth.of(2026, 3);

    @Test
    void everyReservationCountsInTheLiveMonth() throws Exception {
        FakeClock clock = new FakeClock(java.time.Instant.parse("2026-03-10T00:00:00Z"));
        InMemoryQuotaStore store = new InMemoryQuotaStore(clock, Duration.ofMillis(1), (account, period) -> QuotaAmount.ZERO);
        int threads = 4;
        int perThread = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            for (int round = 0; round < 300; round++) {
                // given an account whose month is idle and may be dropped
                clock.advance(Duration.ofMillis(2));
                CountDownLatch start = new CountDownLatch(1);
                CountDownLatch done = new CountDownLatch(threads);
                List<Future<List<Reservation>>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        List<Reservation> held = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            held.add((Reservation) Quotas.reserve(store, "a", MARCH, new QuotaAmount(1, 1), QuotaLimit.UNLIMITED));
                        }
                        done.countDown();
                        return held;
                    }));
                }
                // when callers bring it back while sweeps run again and again
                Future<?> sweeping = pool.submit(() -> {
                    start.await();
                    while (done.getCount() > 0) {
                        store.cleanUp();
                    }
                    return null;
                });
                start.countDown();
                List<Reservation> held = new ArrayList<>();
                for (Future<List<Reservation>> f : results) {
                    held.addAll(f.get(30, TimeUnit.SECONDS));
                }
                sweeping.get(30, TimeUnit.SECONDS);

                // then all of them are held in the month the store reads, and each ends once
                assertThat(store.usage("a", MARCH)).as("round %d", round).isEqualTo(new QuotaUsage(
                        QuotaAmount.ZERO, new QuotaAmount(held.size(), held.size()), held.size()));
                for (Reservation r : held) {
                    assertThat(Quotas.ended(store.release(r))).isTrue();
                }
                assertThat(store.usage("a", MARCH).outstanding()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

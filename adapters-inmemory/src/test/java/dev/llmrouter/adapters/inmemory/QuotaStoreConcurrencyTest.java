package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Property 17 under real concurrency (Requirement 5.4): sixteen threads hammer one account with
 * reserve → settle (actual at most the reservation) or release. The month ends exactly where the
 * threads' own bookkeeping says, to the nano-dollar, never above the quota, and the quota is not left
 * unused by leaked or miscounted reservations.
 */
@DisplayName("Property 17 — one account, 16 threads: never over the quota, exact to the nano-dollar")
class QuotaStoreConcurrencyTest {

    private static final YearMonth MONTH = YearMonth.of(2026, 3);
    private static final int THREADS = 16;
    private static final int ROUNDS = 2_000;

    /** What one thread saw. */
    record Tally(long settledCost, long settledTokens, long admitted, long refused, long badRefusals) {}

    @RepeatedTest(3)
    void hammerOneAccount() throws Exception {
        InMemoryQuotaStore store = new InMemoryQuotaStore();
        // Demand is ~16 x 2,000 x ~5,000 = 160M nano-dollars: about 16 times the quota, so it runs out mid-run.
        QuotaLimit limit = new QuotaLimit(10_000_003, 4_000_001);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Tally>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 7919L * (t + 1);
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await();
                    long cost = 0;
                    long tokens = 0;
                    long admitted = 0;
                    long refused = 0;
                    long badRefusals = 0;
                    for (int i = 0; i < ROUNDS; i++) {
                        QuotaAmount worst = new QuotaAmount(1 + random.nextLong(10_000), 1 + random.nextLong(4_000));
                        ReserveResult result = Quotas.reserve(store, "hot", MONTH, worst, limit);
                        if (result instanceof Reservation r) {
                            admitted++;
                            if (random.nextInt(5) == 0) {
                                Quotas.ended(store.release(r));
                            } else {
                                QuotaAmount actual = new QuotaAmount(
                                        random.nextLong(worst.costNanos() + 1), random.nextLong(worst.tokens() + 1));
                                Quotas.ended(store.settle(r, actual));
                                cost += actual.costNanos();
                                tokens += actual.tokens();
                            }
                        } else {
                            refused++;
                            QuotaRefused no = (QuotaRefused) result;
                            // A refusal must be for a request larger than the room left at that moment.
                            if (no.requested() <= no.limit() - no.used() || no.requested() != worst.of(no.dimension())) {
                                badRefusals++;
                            }
                        }
                    }
                    return new Tally(cost, tokens, admitted, refused, badRefusals);
                }));
            }
            start.countDown();
            long cost = 0;
            long tokens = 0;
            long refused = 0;
            long badRefusals = 0;
            for (Future<Tally> f : futures) {
                Tally tally = f.get(60, TimeUnit.SECONDS);
                cost += tally.settledCost();
                tokens += tally.settledTokens();
                refused += tally.refused();
                badRefusals += tally.badRefusals();
            }

            QuotaUsage usage = store.usage("hot", MONTH);
            // Exactly what the threads settled, to the nano-dollar and the token.
            assertThat(usage.settled()).isEqualTo(new QuotaAmount(cost, tokens));
            assertThat(usage.reserved()).isEqualTo(QuotaAmount.ZERO);
            assertThat(usage.outstanding()).isZero();
            // Never above the quota.
            assertThat(cost).isLessThanOrEqualTo(limit.costNanos());
            assertThat(tokens).isLessThanOrEqualTo(limit.tokens());
            // The quota did run out (the test exercised refusals), and each refusal was justified.
            assertThat(refused).isPositive();
            assertThat(badRefusals).isZero();
            // No room was lost: what remains is exactly reservable, one unit more is not.
            QuotaAmount room = new QuotaAmount(limit.costNanos() - cost, limit.tokens() - tokens);
            ReserveResult last = Quotas.reserve(store, "hot", MONTH, room, limit);
            assertThat(last).isInstanceOf(Reservation.class);
            assertThat(Quotas.reserve(store, "hot", MONTH, new QuotaAmount(1, 0), limit)).isInstanceOf(QuotaRefused.class);
            assertThat(Quotas.reserve(store, "hot", MONTH, new QuotaAmount(0, 1), limit)).isInstanceOf(QuotaRefused.class);
        } finally {
            pool.shutdownNow();
        }
    }
}

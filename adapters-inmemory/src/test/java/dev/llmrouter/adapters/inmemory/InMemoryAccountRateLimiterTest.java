package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.5 — per-account rate limits held per account, safe under concurrency and idle expiry. */
@DisplayName("Requirement 5.5 — in-memory account rate limiter")
class InMemoryAccountRateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong nanos = new AtomicLong(42);
    private final InMemoryAccountRateLimiter limiter =
            new InMemoryAccountRateLimiter(nanos::get, Duration.ofSeconds(61), Duration.ofNanos(1));

    @Test
    @DisplayName("accounts are limited independently")
    void accountsAreIndependent() {
        RateLimits limits = new RateLimits(1, 0);
        assertThat(decided(limiter.tryAcquire("a", limits, 10)).isAllowed()).isTrue();
        assertThat(decided(limiter.tryAcquire("a", limits, 10)).isAllowed()).isFalse();
        assertThat(decided(limiter.tryAcquire("b", limits, 10)).isAllowed()).isTrue();
    }

    @Test
    @DisplayName("an unlimited plan is always allowed and holds no state")
    void unlimitedHoldsNoState() {
        for (int i = 0; i < 100; i++) {
            assertThat(decided(limiter.tryAcquire("acct-" + i, RateLimits.UNLIMITED, 1_000_000)).isAllowed()).isTrue();
        }
        assertThat(limiter.activeAccounts()).isZero();
    }

    @Test
    @DisplayName("use keeps an account's state alive; expiry after a silent minute loses nothing")
    void idleExpiryIsLossless() {
        RateLimits limits = new RateLimits(3, 0);
        // given one admission at t, two more just before the entry would expire if use did not refresh it
        decided(limiter.tryAcquire("a", limits, 1));
        nanos.addAndGet(59 * SECOND);
        decided(limiter.tryAcquire("a", limits, 1));
        decided(limiter.tryAcquire("a", limits, 1));

        // when the first admission has left the window but the other two have not
        nanos.addAndGet(2 * SECOND);
        long admitted = 0;
        for (int i = 0; i < 3; i++) {
            admitted += decided(limiter.tryAcquire("a", limits, 1)).isAllowed() ? 1 : 0;
        }

        // then exactly one more fits: the state survived
        assertThat(admitted).isEqualTo(1);

        // and after a silent minute the state is dropped, and a fresh minute is as full as it should be
        nanos.addAndGet(62 * SECOND);
        assertThat(limiter.activeAccounts()).isZero();
        assertThat(limiter.status("a", limits).requests().remaining()).isEqualTo(3);
    }

    @Test
    @DisplayName("16 threads on one account at one instant: exactly the limit is admitted")
    void concurrentCallersNeverOveradmit() throws Exception {
        RateLimits limits = new RateLimits(1_000, 50_000);
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tokens = 1 + t % 7;
                results.add(pool.submit(() -> {
                    start.await();
                    long requests = 0;
                    long tokenSum = 0;
                    for (int i = 0; i < 500; i++) {
                        RateDecision d = decided(limiter.tryAcquire("hot", limits, tokens));
                        if (d.isAllowed()) {
                            requests++;
                            tokenSum += tokens;
                        }
                    }
                    return new long[] {requests, tokenSum};
                }));
            }
            start.countDown();
            long requests = 0;
            long tokens = 0;
            for (Future<long[]> f : results) {
                long[] r = f.get(30, TimeUnit.SECONDS);
                requests += r[0];
                tokens += r[1];
            }
            // 8,000 attempts of 1..7 tokens: the request limit binds first, and exactly.
            assertThat(requests).isEqualTo(1_000);
            assertThat(tokens).isLessThanOrEqualTo(50_000);
            assertThat(limiter.status("hot", limits).requests().remaining()).isZero();
            assertThat(limiter.status("hot", limits).tokens().remaining()).isEqualTo(50_000 - tokens);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("sweeping an idle account while callers arrive never gives it two live limiters")
    void sweepRacingCallersNeverOveradmits() throws Exception {
        RateLimits limits = new RateLimits(100, 0);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            for (int round = 0; round < 100; round++) {
                // given an account whose limiter is idle and due to be swept
                decided(limiter.tryAcquire("hot", limits, 1));
                nanos.addAndGet(2 * 60 * SECOND);
                CountDownLatch start = new CountDownLatch(1);
                CountDownLatch done = new CountDownLatch(threads);
                List<Future<Long>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        long admitted = 0;
                        for (int i = 0; i < 50; i++) {
                            admitted += decided(limiter.tryAcquire("hot", limits, 1)).isAllowed() ? 1 : 0;
                        }
                        done.countDown();
                        return admitted;
                    }));
                }
                // when callers at one instant race a sweep that runs again and again
                Future<?> sweeping = pool.submit(() -> {
                    start.await();
                    while (done.getCount() > 0) {
                        limiter.activeAccounts();
                    }
                    return null;
                });
                start.countDown();
                long admitted = 0;
                for (Future<Long> f : results) {
                    admitted += f.get(30, TimeUnit.SECONDS);
                }
                sweeping.get(30, TimeUnit.SECONDS);

                // then exactly the limit was admitted, by one limiter
                assertThat(admitted).as("round %d", round).isEqualTo(100);
                assertThat(limiter.status("hot", limits).requests().remaining()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("idle expiry shorter than the window plus one granule is refused (it could lose admissions)")
    void idleExpiryMustCoverTheWindow() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(
                () -> new InMemoryAccountRateLimiter(nanos::get, Duration.ofSeconds(60), Duration.ofMillis(1)));
    }

    private static dev.llmrouter.domain.ratelimit.RateDecision decided(RateAnswer answer) {
        return ((RateAnswer.Decided) answer).decision();
    }
}

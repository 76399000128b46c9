package dev.llmrouter.ports.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.ports.fixtures.Concurrently;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The guarantee every {@link AccountRateLimiter} keeps (Requirements 5.5 and 7.3), whatever its
 * algorithm: a store passes by extending this class with {@link #newLimiter}, on the given
 * {@link FakeClock}'s ticker.
 */
public abstract class AccountRateLimiterContract {

    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    protected final FakeClock clock = new FakeClock();

    /** A new, empty limiter reading {@code clock}'s ticker ({@link FakeClock#nanos()}). */
    protected abstract AccountRateLimiter newLimiter(FakeClock clock);

    private static RateDecision decided(RateAnswer answer) {
        assertThat(answer).isInstanceOf(RateAnswer.Decided.class);
        return ((RateAnswer.Decided) answer).decision();
    }

    @Test
    @DisplayName("never more than the limit in any rolling minute, requests and tokens, over arbitrary arrivals")
    void neverMoreThanTheLimitInAnyRollingMinute() {
        for (long seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            FakeClock time = new FakeClock();
            AccountRateLimiter limiter = newLimiter(time);
            RateLimits limits = new RateLimits(5 + random.nextInt(20), 200 + random.nextInt(2_000));
            Deque<long[]> admitted = new ArrayDeque<>();
            for (int i = 0; i < 600; i++) {
                time.advance(Duration.ofMillis(random.nextInt(1_500)));
                long tokens = random.nextInt(120);
                if (decided(limiter.tryAcquire("acct", limits, tokens)).isAllowed()) {
                    admitted.addLast(new long[] {time.nanos(), tokens});
                    while (time.nanos() - admitted.peekFirst()[0] >= MINUTE) {
                        admitted.removeFirst();
                    }
                    long tokensInMinute = admitted.stream().mapToLong(a -> a[1]).sum();
                    assertThat(admitted.size()).isLessThanOrEqualTo((int) limits.requestsPerMinute());
                    assertThat(tokensInMinute).isLessThanOrEqualTo(limits.tokensPerMinute());
                }
            }
        }
    }

    @Test
    @DisplayName("Retry-After exact to the second: retried that many seconds later it is admitted, a second earlier it is not")
    void retryAfterIsExactToTheSecond() {
        AccountRateLimiter limiter = newLimiter(clock);
        RateLimits limits = new RateLimits(3, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(decided(limiter.tryAcquire("acct", limits, 0)).isAllowed()).isTrue();
            clock.advance(Duration.ofMillis(7_300));
        }
        RateDecision refused = decided(limiter.tryAcquire("acct", limits, 0));
        assertThat(refused).isInstanceOf(RateDecision.Limited.class);
        long seconds = ((RateDecision.Limited) refused).retryAfterSeconds();
        clock.advance(Duration.ofSeconds(seconds - 1));
        assertThat(decided(limiter.check("acct", limits, 0))).isInstanceOf(RateDecision.Limited.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(decided(limiter.tryAcquire("acct", limits, 0)).isAllowed()).isTrue();
    }

    @Test
    @DisplayName("both or neither: a request refused for its tokens consumes no request; check consumes nothing")
    void bothOrNeither() {
        AccountRateLimiter limiter = newLimiter(clock);
        RateLimits limits = new RateLimits(2, 100);
        assertThat(decided(limiter.tryAcquire("acct", limits, 90)).isAllowed()).isTrue();
        assertThat(decided(limiter.tryAcquire("acct", limits, 20))).isInstanceOf(RateDecision.Limited.class);
        for (int i = 0; i < 5; i++) {
            assertThat(decided(limiter.check("acct", limits, 10)).isAllowed()).isTrue();
        }
        assertThat(decided(limiter.tryAcquire("acct", limits, 10)).isAllowed()).as("the second request still fits").isTrue();
        assertThat(decided(limiter.tryAcquire("acct", limits, 0))).isInstanceOf(RateDecision.Limited.class);
        assertThat(decided(limiter.tryAcquire("other", limits, 100)).isAllowed()).as("accounts are apart").isTrue();
    }

    @Test
    @DisplayName("a request larger than a minute's allowance is never admitted, and says so")
    void tooLarge() {
        AccountRateLimiter limiter = newLimiter(clock);
        assertThat(decided(limiter.tryAcquire("acct", new RateLimits(10, 100), 101))).isInstanceOf(RateDecision.TooLarge.class);
        assertThat(decided(limiter.tryAcquire("acct", RateLimits.UNLIMITED, Long.MAX_VALUE / 2)).isAllowed())
                .as("zero limits are unlimited").isTrue();
    }

    @Test
    @DisplayName("16 threads on one account at one instant: exactly the limit is admitted")
    void exactlyTheLimitUnderConcurrency() throws Exception {
        AccountRateLimiter limiter = newLimiter(clock);
        RateLimits limits = new RateLimits(100, 0);
        int threads = 16;
        AtomicInteger admitted = new AtomicInteger();
        Concurrently.run(threads, thread -> {
            for (int i = 0; i < 50; i++) {
                if (decided(limiter.tryAcquire("hot", limits, 1)).isAllowed()) {
                    admitted.incrementAndGet();
                }
            }
        });
        assertThat(admitted.get()).isEqualTo(100);
    }
}

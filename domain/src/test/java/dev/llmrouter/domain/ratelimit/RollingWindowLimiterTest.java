package dev.llmrouter.domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.domain.plan.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Requirement 5.5 — per-account rate limits per rolling minute, with an exact {@code Retry-After}.
 *
 * <p>Every property is checked against a brute-force reference: the list of admitted
 * {@code (time, tokens)} kept by the test, summed over every one-minute window.
 */
@DisplayName("Requirement 5.5 — rolling-minute rate limiter")
class RollingWindowLimiterTest {

    private static final long W = RollingWindowLimiter.WINDOW_NANOS;
    private static final long SECOND = 1_000_000_000L;

    /** One arrival: how long after the previous one, and how many tokens it asks for. */
    record Arrival(long gapNanos, long tokens) {}

    private static Gen<Arrival> arrivals() {
        // Many zero and small gaps (bursts), some long ones (the window drains), odd nanosecond offsets.
        Gen<Long> gaps = Generate.pick(List.of(0L, 1L, 999L, SECOND / 10, SECOND, 7 * SECOND, 30 * SECOND, W - 1, W, W + 1))
                .mix(longs().between(0, 20 * SECOND), 50);
        return gaps.zip(longs().between(0, 400), Arrival::new);
    }

    private static Gen<RateLimits> limits() {
        return longs().between(0, 12).zip(Generate.pick(List.of(0L, 400L, 1_000L, 2_500L)), RateLimits::new);
    }

    private static Gen<Long> granularities() {
        return Generate.pick(List.of(1L, 1_000L, SECOND / 10, SECOND, 7 * SECOND + 3));
    }

    private static Gen<Long> starts() {
        // nanoTime has an arbitrary origin: negative, zero, and close to overflow must all work.
        return Generate.pick(List.of(0L, -123_456_789_012L, 987_654_321L, Long.MAX_VALUE - 90 * SECOND));
    }

    @Test
    @DisplayName("a check answers as an admission would, and consumes nothing")
    void aCheckAnswersAsAnAdmissionAndConsumesNothing() {
        qt().withExamples(200).forAll(limits(), granularities(), starts(), lists().of(arrivals()).ofSizeBetween(1, 60))
                .checkAssert((limits, granularity, start, arrivals) -> {
                    RollingWindowLimiter checked = new RollingWindowLimiter(granularity);
                    RollingWindowLimiter plain = new RollingWindowLimiter(granularity);
                    long now = start;
                    for (Arrival a : arrivals) {
                        now += a.gapNanos();
                        // the same arrivals on two limiters, one of them checked (several times) first
                        RateDecision check = checked.check(limits, a.tokens(), now);
                        checked.check(limits, a.tokens(), now);
                        RateDecision admitted = checked.tryAcquire(limits, a.tokens(), now);
                        assertThat(admitted).isEqualTo(plain.tryAcquire(limits, a.tokens(), now));
                        assertThat(check.getClass()).isEqualTo(admitted.getClass());
                        if (check instanceof RateDecision.Limited limited) {
                            assertThat(limited).isEqualTo(admitted);
                        }
                    }
                });
    }

    @Test
    @DisplayName("never more than the limit admitted in any rolling minute, for arbitrary arrivals and sizes")
    void neverExceedsTheLimitInAnyMinute() {
        qt().withExamples(300).forAll(limits(), granularities(), starts(), lists().of(arrivals()).ofSizeBetween(1, 120))
                .checkAssert((limits, granularity, start, arrivals) -> {
                    RollingWindowLimiter limiter = new RollingWindowLimiter(granularity);
                    List<long[]> admitted = new ArrayList<>();
                    long now = start;
                    for (Arrival a : arrivals) {
                        now += a.gapNanos();
                        if (limiter.tryAcquire(limits, a.tokens(), now).isAllowed()) {
                            admitted.add(new long[] {now, a.tokens()});
                        }
                    }
                    for (long[] end : admitted) {
                        long requests = 0;
                        long tokens = 0;
                        for (long[] e : admitted) {
                            long age = end[0] - e[0];
                            if (age >= 0 && age < W) {
                                requests++;
                                tokens += e[1];
                            }
                        }
                        if (limits.limitsRequests()) {
                            assertThat(requests).isLessThanOrEqualTo(limits.requestsPerMinute());
                        }
                        if (limits.limitsTokens()) {
                            assertThat(tokens).isLessThanOrEqualTo(limits.tokensPerMinute());
                        }
                    }
                });
    }

    @Test
    @DisplayName("at 1 ns granularity it is the exact log: admits if and only if the reference has room")
    void exactLogAdmitsWheneverThereIsRoom() {
        qt().withExamples(300).forAll(limits(), starts(), lists().of(arrivals()).ofSizeBetween(1, 120))
                .checkAssert((limits, start, arrivals) -> {
                    RollingWindowLimiter limiter = new RollingWindowLimiter(1);
                    List<long[]> admitted = new ArrayList<>();
                    long now = start;
                    for (Arrival a : arrivals) {
                        now += a.gapNanos();
                        long requests = 0;
                        long tokens = 0;
                        for (long[] e : admitted) {
                            if (now - e[0] < W) {
                                requests++;
                                tokens += e[1];
                            }
                        }
                        boolean room = (!limits.limitsRequests() || requests + 1 <= limits.requestsPerMinute())
                                && (!limits.limitsTokens() || tokens + a.tokens() <= limits.tokensPerMinute());
                        RateDecision decision = limiter.tryAcquire(limits, a.tokens(), now);
                        assertThat(decision.isAllowed()).as("admitted iff the reference has room").isEqualTo(room);
                        if (decision.isAllowed()) {
                            admitted.add(new long[] {now, a.tokens()});
                            WindowStatus r = decision.status().requests();
                            if (limits.limitsRequests()) {
                                assertThat(r.remaining()).isEqualTo(limits.requestsPerMinute() - requests - 1);
                            }
                        }
                    }
                });
    }

    @Test
    @DisplayName("Retry-After is exact: retrying at retryAfter is admitted, 1 ns earlier is not")
    void retryAfterIsExact() {
        qt().withExamples(300).forAll(limits(), granularities(), starts(), lists().of(arrivals()).ofSizeBetween(1, 120))
                .checkAssert((limits, granularity, start, arrivals) -> {
                    RollingWindowLimiter limiter = new RollingWindowLimiter(granularity);
                    long now = start;
                    for (Arrival a : arrivals) {
                        now += a.gapNanos();
                        RateDecision decision = limiter.tryAcquire(limits, a.tokens(), now);
                        if (decision instanceof RateDecision.Limited limited) {
                            long wait = limited.retryAfter().toNanos();
                            assertThat(wait).isPositive();
                            // A refusal consumes nothing, so probing just before is harmless.
                            assertThat(limiter.tryAcquire(limits, a.tokens(), now + wait - 1).isAllowed())
                                    .as("1 ns before Retry-After").isFalse();
                            assertThat(limiter.tryAcquire(limits, a.tokens(), now + wait).isAllowed())
                                    .as("at Retry-After").isTrue();
                            now += wait;
                        }
                    }
                });
    }

    @Test
    @DisplayName("an admission's status is the window just after it, however much later it is read")
    void admissionStatusIsTakenAtTheDecision() {
        qt().withExamples(200).forAll(limits(), granularities(), starts(), lists().of(arrivals()).ofSizeBetween(1, 60))
                .checkAssert((limits, granularity, start, arrivals) -> {
                    RollingWindowLimiter limiter = new RollingWindowLimiter(granularity);
                    List<RateDecision> allowed = new ArrayList<>();
                    List<RateLimitStatus> expected = new ArrayList<>();
                    long now = start;
                    for (Arrival a : arrivals) {
                        now += a.gapNanos();
                        RateDecision decision = limiter.tryAcquire(limits, a.tokens(), now);
                        if (decision.isAllowed()) {
                            // status() consumes nothing: it is what the decision must report
                            allowed.add(decision);
                            expected.add(limiter.status(limits, now));
                        }
                    }
                    // read only after every later admission has changed the window
                    for (int i = 0; i < allowed.size(); i++) {
                        assertThat(allowed.get(i).status()).isEqualTo(expected.get(i));
                        assertThat(allowed.get(i)).isEqualTo(new RateDecision.Allowed(expected.get(i)));
                        assertThat(allowed.get(i).hashCode()).isEqualTo(new RateDecision.Allowed(expected.get(i)).hashCode());
                    }
                });
    }

    @Test
    @DisplayName("one request and its tokens are admitted together or not at all")
    void requestAndTokensAreAtomic() {
        RateLimits limits = new RateLimits(10, 1_000);
        RollingWindowLimiter limiter = new RollingWindowLimiter();
        // given 900 of 1000 tokens used by one request
        assertThat(limiter.tryAcquire(limits, 900, 0).isAllowed()).isTrue();

        // when a request of 200 tokens arrives
        RateDecision decision = limiter.tryAcquire(limits, 200, SECOND);

        // then it is limited by tokens and its request was not counted either
        assertThat(decision).isInstanceOfSatisfying(RateDecision.Limited.class, l -> {
            assertThat(l.limitedBy()).isEqualTo(RateDimension.TOKENS);
            assertThat(l.retryAfter()).isEqualTo(Duration.ofSeconds(59));
        });
        assertThat(decision.status().requests().remaining()).isEqualTo(9);
        assertThat(decision.status().tokens().remaining()).isEqualTo(100);
    }

    @Test
    @DisplayName("a request larger than the per-minute token limit is too large, not told to wait")
    void tooLargeIsNotRetryable() {
        RollingWindowLimiter limiter = new RollingWindowLimiter();
        RateDecision decision = limiter.tryAcquire(new RateLimits(10, 1_000), 1_001, 0);
        assertThat(decision).isEqualTo(new RateDecision.TooLarge(
                RateDimension.TOKENS, 1_000, 1_001, limiter.status(new RateLimits(10, 1_000), 0)));
        assertThat(limiter.status(new RateLimits(10, 1_000), 0).requests().remaining()).isEqualTo(10);
    }

    @Test
    @DisplayName("Retry-After header seconds round up; the status carries limit, remaining and reset")
    void headersAndRounding() {
        RateLimits limits = new RateLimits(2, 0);
        RollingWindowLimiter limiter = new RollingWindowLimiter();
        limiter.tryAcquire(limits, 10, 0);
        limiter.tryAcquire(limits, 10, 500_000_001L);

        RateDecision decision = limiter.tryAcquire(limits, 10, 2 * SECOND);

        assertThat(decision).isInstanceOfSatisfying(RateDecision.Limited.class, l -> {
            assertThat(l.retryAfter()).isEqualTo(Duration.ofSeconds(58));
            assertThat(l.retryAfterSeconds()).isEqualTo(58);
            assertThat(l.retryAfterMillis()).isEqualTo(58_000);
        });
        assertThat(decision.status().requests()).isEqualTo(new WindowStatus(2, 0, Duration.ofNanos(58_500_000_001L)));
        assertThat(decision.status().tokens().isUnlimited()).isTrue();
        assertThat(new RateDecision.Limited(RateDimension.REQUESTS, Duration.ofNanos(1), RateLimitStatus.UNLIMITED)
                .retryAfterSeconds()).isEqualTo(1);
        assertThat(new RateDecision.Limited(RateDimension.REQUESTS, Duration.ofMillis(2_001), RateLimitStatus.UNLIMITED)
                .retryAfterSeconds()).isEqualTo(3);
    }

    @Test
    @DisplayName("the log never holds more than one entry per granularity slot")
    void granularityBoundsMemory() {
        RateLimits limits = new RateLimits(0, 0);
        RollingWindowLimiter limiter = new RollingWindowLimiter(SECOND);
        for (long t = 0; t < 3 * W; t += SECOND / 100) {
            limiter.tryAcquire(limits, 1, t);
            assertThat(limiter.entries()).isLessThanOrEqualTo(61);
        }
        assertThat(limiter.isIdle(3 * W + 2 * W)).isTrue();
    }
}

package dev.llmrouter.domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.domain.plan.RateLimits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Requirement 5.5: an admission's {@code x-ratelimit-*} numbers read one by one from
 * {@link RateDecision.Allowed} (as the router copies them) are exactly those of its
 * {@link RateLimitStatus}, limited and unlimited dimensions alike, and for an {@code Allowed} made
 * from a status as well as one made by the limiter.
 */
@DisplayName("Requirement 5.5: an admission's numbers equal its status")
class AllowedNumbersTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    @DisplayName("Requirement 5.5: the limiter's admissions read the same one by one as through their status")
    void limiterAdmissionsReadTheSame() {
        qt().withExamples(200)
                .forAll(longs().between(0, 12), Generate.pick(List.of(0L, 400L, 2_500L)), integers().between(1, 30),
                        longs().between(0, 20 * SECOND))
                .checkAssert((requests, tokensPerMinute, calls, gap) -> {
                    // given
                    RateLimits limits = new RateLimits(requests, tokensPerMinute);
                    RollingWindowLimiter limiter = new RollingWindowLimiter(SECOND / 10);
                    long now = 0;
                    for (int i = 0; i < calls; i++) {
                        // when
                        RateDecision decision = limiter.tryAcquire(limits, 50, now);
                        now += gap;
                        // then
                        if (decision instanceof RateDecision.Allowed allowed) {
                            assertSameNumbers(allowed);
                        }
                    }
                });
    }

    @Test
    @DisplayName("Requirement 5.5: an admission made from a status reads that status's numbers")
    void admissionFromAStatusReadsIt() {
        // given
        RateDecision.Allowed allowed = new RateDecision.Allowed(new RateLimitStatus(
                new WindowStatus(300, 12, Duration.ofMillis(1_500)), WindowStatus.UNLIMITED));

        // then
        assertSameNumbers(allowed);
        assertThat(allowed.requestsRemaining()).isEqualTo(12);
        assertThat(allowed.tokensLimit()).isZero();
    }

    private static void assertSameNumbers(RateDecision.Allowed allowed) {
        RateLimitStatus status = allowed.status();
        assertThat(allowed.requestsLimit()).isEqualTo(status.requests().limit());
        assertThat(allowed.requestsRemaining()).isEqualTo(status.requests().remaining());
        assertThat(allowed.requestsResetNanos()).isEqualTo(status.requests().reset().toNanos());
        assertThat(allowed.tokensLimit()).isEqualTo(status.tokens().limit());
        assertThat(allowed.tokensRemaining()).isEqualTo(status.tokens().remaining());
        assertThat(allowed.tokensResetNanos()).isEqualTo(status.tokens().reset().toNanos());
    }
}

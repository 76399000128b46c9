package dev.llmrouter.domain.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.domain.plan.RateLimits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Requirement 5.5: the {@code x-ratelimit-*} position of an admission, which
 * {@link RateDecision.Allowed} builds only when read, is exactly the window's position right after
 * that admission, limited and unlimited dimensions alike; an {@code Allowed} made from a status reads
 * that status; and each dimension seen as a {@link WindowStatus} has the flat status's numbers.
 */
@DisplayName("Requirement 5.5: an admission's numbers equal its status")
class AllowedNumbersTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    @DisplayName("Requirement 5.5: the limiter's admissions read as the window stands right after them")
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
                        // then
                        if (decision instanceof RateDecision.Allowed allowed) {
                            RateLimitStatus status = allowed.status();
                            assertThat(status).isEqualTo(limiter.status(limits, now));
                            assertThat(status.refusedBy()).isEmpty();
                            assertWindowsMatch(status);
                        }
                        now += gap;
                    }
                });
    }

    @Test
    @DisplayName("Requirement 5.5: an admission made from a status reads that status's numbers")
    void admissionFromAStatusReadsIt() {
        // given
        RateLimitStatus given = new RateLimitStatus(
                new WindowStatus(300, 12, Duration.ofMillis(1_500)), WindowStatus.UNLIMITED);

        // when
        RateDecision.Allowed allowed = new RateDecision.Allowed(given);

        // then
        assertThat(allowed.status()).isSameAs(given);
        assertThat(given.remainingRequests()).isEqualTo(12);
        assertThat(given.resetRequests()).isEqualTo(Duration.ofMillis(1_500));
        assertThat(given.limitTokens()).isZero();
        assertThat(given.tokens()).isEqualTo(WindowStatus.UNLIMITED);
        assertWindowsMatch(given);
    }

    @Test
    @DisplayName("Requirement 5.5: a refused position keeps its numbers and names the limit that refused")
    void refusedByKeepsTheNumbers() {
        // given
        RateLimitStatus status = new RateLimitStatus(20, 0, Duration.ofSeconds(12), 40_000, 100, Duration.ofSeconds(3));

        // when
        RateLimitStatus refused = status.refusedBy(RateDimension.REQUESTS);

        // then
        assertThat(refused.refusedBy()).isEqualTo(Optional.of(RateDimension.REQUESTS));
        assertThat(refused.requests()).isEqualTo(status.requests());
        assertThat(refused.tokens()).isEqualTo(status.tokens());
        assertThat(refused).isNotEqualTo(status);
    }

    private static void assertWindowsMatch(RateLimitStatus status) {
        assertThat(status.requests())
                .isEqualTo(new WindowStatus(status.limitRequests(), status.remainingRequests(), status.resetRequests()));
        assertThat(status.tokens())
                .isEqualTo(new WindowStatus(status.limitTokens(), status.remainingTokens(), status.resetTokens()));
    }
}

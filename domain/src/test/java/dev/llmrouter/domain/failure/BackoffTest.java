package dev.llmrouter.domain.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 1.5 — the same-deployment backoff schedule: doubling from min, capped at max, jittered. */
@DisplayName("Requirement 1.5 — backoff schedule")
class BackoffTest {

    private static final Backoff DEFAULTS = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.25);

    @Test
    void without_jitter_the_wait_doubles_from_min_up_to_max() {
        Backoff exact = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0);

        assertThat(exact.delayNanos(1, 0.3)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(exact.delayNanos(2, 0.3)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(exact.delayNanos(4, 0.3)).isEqualTo(Duration.ofMillis(800).toNanos());
        assertThat(exact.delayNanos(5, 0.3)).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(exact.delayNanos(Integer.MAX_VALUE, 0.3)).isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void jitter_spreads_each_wait_by_its_fraction_either_way() {
        qt().forAll(integers().between(1, 64), doubles().between(0, 0.999_999)).checkAssert((retry, random) -> {
            long base = Math.min(100_000_000L << Math.min(retry - 1, 20), 1_000_000_000L);
            long delay = DEFAULTS.delayNanos(retry, random);
            assertThat(delay).isBetween((long) (base * 0.75), (long) (base * 1.25));
        });
        assertThat(DEFAULTS.delayNanos(1, 0)).isEqualTo(Duration.ofMillis(75).toNanos());
        assertThat(DEFAULTS.delayNanos(1, 0.5)).isEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void a_zero_min_never_waits() {
        assertThat(Backoff.NONE.isNone()).isTrue();
        assertThat(Backoff.NONE.delayNanos(3, 0.9)).isZero();
    }

    @Test
    void bounds_are_checked() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULTS.delayNanos(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}

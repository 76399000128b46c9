package dev.llmrouter.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Requirements 6.1-6.4: breaker configuration, defaults and validation")
class BreakerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        BreakerConfig config = BreakerConfig.defaults();
        assertThat(config.window()).isEqualTo(WindowSpec.lastCalls(20));
        assertThat(config.minimumCalls()).isEqualTo(5);
        assertThat(config.failureRateThreshold()).isEqualTo(50);
        assertThat(config.slowCallThreshold()).isEmpty();
        assertThat(config.openDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.openDurationMultiplier()).isEqualTo(2);
        assertThat(config.maxOpenDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.halfOpenProbes()).isEqualTo(3);
    }

    @Test
    void openDurationGrowsTimesTheMultiplierUpToTheCap() {
        BreakerConfig config = BreakerConfig.defaults();
        assertThat(config.openDurationNanos(0)).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(config.openDurationNanos(1)).isEqualTo(Duration.ofSeconds(60).toNanos());
        assertThat(config.openDurationNanos(3)).isEqualTo(Duration.ofSeconds(240).toNanos());
        assertThat(config.openDurationNanos(4)).isEqualTo(Duration.ofMinutes(5).toNanos());
        assertThat(config.openDurationNanos(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5).toNanos());
        assertThat(config.withOpenDurationMultiplier(1).openDurationNanos(1_000))
                .isEqualTo(Duration.ofSeconds(30).toNanos());
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        BreakerConfig config = BreakerConfig.defaults();
        assertThatThrownBy(() -> config.withMinimumCalls(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withMinimumCalls(21)).hasMessageContaining("window size");
        assertThatThrownBy(() -> config.withFailureRateThreshold(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withFailureRateThreshold(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withSlowCallThreshold(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withOpenDuration(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withOpenDuration(Duration.ofMinutes(6))).hasMessageContaining("max open duration");
        assertThatThrownBy(() -> config.withOpenDurationMultiplier(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config.withHalfOpenProbes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WindowSpec.lastCalls(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WindowSpec.lastDuration(Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTimeWindowAllowsAnyMinimum() {
        BreakerConfig config = BreakerConfig.defaults()
                .withWindow(WindowSpec.lastDuration(BreakerConfig.DEFAULT_WINDOW_SPAN))
                .withMinimumCalls(100);
        assertThat(config.minimumCalls()).isEqualTo(100);
        assertThat(config.withoutSlowCallThreshold().slowCallThreshold()).isEqualTo(Optional.empty());
    }
}

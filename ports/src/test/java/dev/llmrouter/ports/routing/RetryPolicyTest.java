package dev.llmrouter.ports.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyConfig;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.EndpointException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requirement 1.5 — the same-deployment retry policy: exponential backoff with jitter, bounded by the
 * deadline, for transient kinds only. Checked on the Failsafe configuration, so no test waits.
 */
@DisplayName("Requirement 1.5 — same-deployment retry policy")
class RetryPolicyTest {

    @Test
    void defaults_are_one_retry_with_jittered_backoff_from_100_ms_to_1_s_within_the_deadline() {
        RetryPolicyConfig<Object> config = FallbackExecutor.retryPolicy(RetrySettings.defaults(),
                Duration.ofSeconds(30).toNanos()).getConfig();

        assertThat(config.getMaxRetries()).isEqualTo(1);
        assertThat(config.getDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.getMaxDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.getDelayFactor()).isEqualTo(2.0);
        assertThat(config.getJitterFactor()).isEqualTo(0.25);
        assertThat(config.getMaxDuration()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void no_retry_when_not_even_the_shortest_backoff_fits_before_the_deadline() {
        RetryPolicyConfig<Object> config = FallbackExecutor.retryPolicy(RetrySettings.defaults(),
                Duration.ofMillis(100).toNanos()).getConfig();

        assertThat(config.getMaxRetries()).isZero();
    }

    @ParameterizedTest
    @EnumSource(FailureKind.class)
    void only_transient_kinds_are_retried_on_the_same_deployment(FailureKind kind) {
        RetryPolicy<Object> policy = FallbackExecutor.retryPolicy(RetrySettings.defaults(), Duration.ofSeconds(30).toNanos());
        EndpointException failure = new EndpointException(Failure.transport(kind, "x"));

        boolean handled = policy.getConfig().getFailureConditions().stream().anyMatch(p -> {
            try {
                return p.test(null, failure);
            } catch (Throwable t) {
                return false;
            }
        });

        assertThat(handled).isEqualTo(kind.retryableSameDeployment());
    }
}

package dev.llmrouter.adapters.metrics;

import static dev.llmrouter.adapters.metrics.MicrometerRouterTelemetryTest.attempt;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Observers never break the call path: whatever the registry throws, no telemetry call throws. */
@DisplayName("Requirement 4 — a telemetry failure never fails a request")
class MicrometerRouterTelemetryFailureTest {

    @Test
    void a_registry_whose_meter_filter_throws_does_not_propagate() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("filter broken");
            }
        });
        MicrometerRouterTelemetry telemetry = new MicrometerRouterTelemetry(registry);

        assertThatCode(() -> everyCall(telemetry)).doesNotThrowAnyException();
        assertThat(telemetry.failures()).isEqualTo(7);
    }

    @Test
    void a_meter_that_throws_when_incremented_does_not_propagate() {
        MeterRegistry registry = new SimpleMeterRegistry() {
            @Override
            protected Counter newCounter(Meter.Id id) {
                return new Counter() {
                    @Override
                    public void increment(double amount) {
                        throw new UnsupportedOperationException("counter broken");
                    }

                    @Override
                    public double count() {
                        return 0;
                    }

                    @Override
                    public Meter.Id getId() {
                        return id;
                    }
                };
            }
        };
        MicrometerRouterTelemetry telemetry = new MicrometerRouterTelemetry(registry);

        assertThatCode(() -> everyCall(telemetry)).doesNotThrowAnyException();
        assertThat(telemetry.failures()).isPositive();
    }

    @Test
    void a_closed_registry_does_not_propagate() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.close();
        MicrometerRouterTelemetry telemetry = new MicrometerRouterTelemetry(registry);

        assertThatCode(() -> everyCall(telemetry)).doesNotThrowAnyException();
    }

    @Test
    void malformed_arguments_do_not_propagate() {
        MicrometerRouterTelemetry telemetry = new MicrometerRouterTelemetry(new SimpleMeterRegistry());

        assertThatCode(() -> {
            telemetry.requestCompleted(null, 0);
            telemetry.attempt(null, null, null);
            telemetry.refused(null);
            telemetry.breakerTransition(null, null, null, null, null);
            telemetry.trackDeployments(null);
        }).doesNotThrowAnyException();
        assertThat(telemetry.failures()).isEqualTo(5);
    }

    /** Seven calls, each of which registers at least one meter. */
    private static void everyCall(MicrometerRouterTelemetry telemetry) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        telemetry.trackDeployments(List.of("d1"));
        telemetry.attempt("gpt-4o", attempt("gpt-4o-eastus", Attempt.Outcome.SUCCESS, null, 10));
        telemetry.attempt("gpt-4o", ChatOperation.CHAT, attempt("gpt-4o-eastus", Attempt.Outcome.FAILED,
                Failure.transport(FailureKind.TIMEOUT, "read timed out"), 10));
        telemetry.requestCompleted(aUsageRecord().build(), 1);
        telemetry.refused(Refusal.Reason.QUOTA_EXCEEDED);
        telemetry.breakerTransition("d1", "closed", "open", now, "failure rate");
        telemetry.breakerTransition("d2", "closed", "open", now, "failure rate");
    }
}

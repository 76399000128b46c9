package dev.llmrouter.domain.breaker;

import static dev.llmrouter.domain.breaker.BreakerGenerators.configs;
import static dev.llmrouter.domain.breaker.BreakerGenerators.scenarios;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 22 — Requirement 6.4: half-open closes exactly when the configured number of probes have
 * succeeded; the first probe that fails (or is slow) reopens it, for the open duration times the
 * multiplier per failed episode in a row, never beyond the cap, and never shorter than the reopening
 * before it.
 */
@DisplayName("Property 22 (Requirement 6.4): probes all succeed -> closed; a probe fails -> open for longer, capped")
class Property22HalfOpenOutcomeTest {

    @Test
    @DisplayName("over arbitrary sequences, half-open ends as the probes decide, with growing capped open durations")
    void halfOpenEndsAsTheProbesDecide() {
        qt().withExamples(400).forAll(configs(), scenarios()).checkAssert((config, commands) -> {
            long[] previousOpenNanos = {0};
            StatefulRun.run(config, commands, step -> {
                if (!(step.stateBefore() instanceof BreakerState.HalfOpen half)) {
                    if (step.breaker().state() instanceof BreakerState.Open open && step.before() == BreakerStatus.CLOSED) {
                        assertThat(open.reopens()).isZero();
                        assertThat(open.untilNanos() - open.openedAtNanos()).isEqualTo(config.openDuration().toNanos());
                        previousOpenNanos[0] = config.openDuration().toNanos();
                    }
                    return;
                }
                boolean probeOutstanding = half.probesSucceeded() < half.probesAdmitted();
                boolean slow = step.command() instanceof Command.Success success && config.slowCallThreshold()
                        .map(threshold -> success.millis() * 1_000_000 > threshold.toNanos()).orElse(false);
                boolean probeFailed = probeOutstanding && (step.command() instanceof Command.Failure || slow);
                boolean probeSucceeded = probeOutstanding && step.command() instanceof Command.Success && !slow;
                if (probeFailed) {
                    BreakerState.Open open = (BreakerState.Open) step.breaker().state();
                    long openNanos = open.untilNanos() - open.openedAtNanos();
                    assertThat(open.reopens()).isEqualTo(half.reopens() + 1);
                    assertThat(open.openedAtNanos()).isEqualTo(step.nowNanos());
                    assertThat(openNanos).as("reopen #%s", open.reopens())
                            .isEqualTo(step.model().openDurationNanos(open.reopens()))
                            .isLessThanOrEqualTo(config.maxOpenDuration().toNanos())
                            .isGreaterThanOrEqualTo(previousOpenNanos[0]);
                    previousOpenNanos[0] = openNanos;
                } else if (probeSucceeded && half.probesSucceeded() + 1 == config.halfOpenProbes()) {
                    BreakerState.Closed closed = (BreakerState.Closed) step.breaker().state();
                    assertThat(closed.window().calls()).as("closes with an empty window").isZero();
                } else {
                    assertThat(step.after()).as("%s in %s", step.command(), half).isEqualTo(BreakerStatus.HALF_OPEN);
                }
            });
        });
    }
}

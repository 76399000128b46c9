package dev.llmrouter.domain.breaker;

import static dev.llmrouter.domain.breaker.BreakerGenerators.configs;
import static dev.llmrouter.domain.breaker.BreakerGenerators.scenarios;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 21 — Requirement 6.3: open becomes half-open only through a permit asked after the open
 * duration (that permit is the first probe), and one half-open episode grants at most the configured
 * number of probe permits, refusing every permit beyond them.
 */
@DisplayName("Property 21 (Requirement 6.3): open -> half-open after the duration; half-open admits at most N probes")
class Property21HalfOpenProbesTest {

    @Test
    @DisplayName("over arbitrary sequences, no half-open episode grants more permits than the configured probes")
    void halfOpenGrantsAtMostTheConfiguredProbes() {
        qt().withExamples(400).forAll(configs(), scenarios()).checkAssert((config, commands) -> {
            int[] grantedThisEpisode = {0};
            StatefulRun.run(config, commands, step -> {
                if (step.after() == BreakerStatus.HALF_OPEN && step.before() != BreakerStatus.HALF_OPEN) {
                    assertThat(step.before()).isEqualTo(BreakerStatus.OPEN);
                    assertThat(step.command()).isInstanceOf(Command.Permit.class);
                    assertThat(step.permitted()).as("the permit that ends open is the first probe").isTrue();
                    assertThat(step.nowNanos()).isGreaterThanOrEqualTo(((BreakerState.Open) step.stateBefore()).untilNanos());
                    grantedThisEpisode[0] = 1;
                } else if (step.before() == BreakerStatus.HALF_OPEN && step.command() instanceof Command.Permit) {
                    BreakerState.HalfOpen half = (BreakerState.HalfOpen) step.stateBefore();
                    assertThat(step.permitted()).as("permit with %s of %s probes admitted",
                            half.probesAdmitted(), config.halfOpenProbes())
                            .isEqualTo(half.probesAdmitted() < config.halfOpenProbes());
                    if (step.permitted()) {
                        grantedThisEpisode[0]++;
                    }
                }
                if (step.breaker().state() instanceof BreakerState.HalfOpen half) {
                    assertThat(half.probesAdmitted()).isEqualTo(grantedThisEpisode[0]);
                    assertThat(grantedThisEpisode[0]).isBetween(1, config.halfOpenProbes());
                }
            });
        });
    }
}

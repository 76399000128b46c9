package dev.llmrouter.domain.breaker;

import static dev.llmrouter.domain.breaker.BreakerGenerators.configs;
import static dev.llmrouter.domain.breaker.BreakerGenerators.scenarios;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 20 — Requirement 6.2: while open, every permit asked before the open duration has passed is
 * refused and leaves the breaker exactly as it was (so the deployment is never contacted), outcomes of
 * earlier calls change nothing, and the first permit at or after the deadline is granted.
 */
@DisplayName("Property 20 (Requirement 6.2): open refuses every call until the open duration has passed")
class Property20OpenRefusesTest {

    @Test
    @DisplayName("over arbitrary sequences, an open breaker refuses until its deadline and not after")
    void openRefusesUntilTheDeadline() {
        qt().withExamples(400).forAll(configs(), scenarios()).checkAssert((config, commands) ->
                StatefulRun.run(config, commands, step -> {
                    if (!(step.stateBefore() instanceof BreakerState.Open open)) {
                        return;
                    }
                    boolean beforeDeadline = step.nowNanos() < open.untilNanos();
                    if (step.command() instanceof Command.Permit) {
                        assertThat(step.permitted()).as("permit at %s, open until %s", step.nowNanos(), open.untilNanos())
                                .isEqualTo(!beforeDeadline);
                        if (beforeDeadline) {
                            assertThat(step.breaker().state()).as("a refusal changes nothing").isSameAs(open);
                        } else {
                            assertThat(step.after()).isEqualTo(BreakerStatus.HALF_OPEN);
                        }
                    } else {
                        assertThat(step.breaker().state()).as("%s while open changes nothing", step.command())
                                .isSameAs(open);
                    }
                }));
    }
}

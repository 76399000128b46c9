package dev.llmrouter.domain.breaker;

import static dev.llmrouter.domain.breaker.BreakerGenerators.configs;
import static dev.llmrouter.domain.breaker.BreakerGenerators.scenarios;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Guards Properties 19–23 against vacuous passes: the generated scenarios must actually reach every
 * transition the properties speak of, including reopen growth up to the cap, slow calls and
 * time-based windows.
 */
@DisplayName("Properties 19-23: the generated scenarios reach every transition")
class GeneratedScenarioCoverageTest {

    enum Seen { OPENED_FROM_CLOSED, OPENED_ON_TIME_WINDOW, OPENED_BY_SLOW_CALLS, HALF_OPENED, REFUSED_WHILE_OPEN,
        REFUSED_IN_HALF_OPEN, CLOSED_BY_PROBES, REOPENED, REOPENED_TWICE, REOPENED_AT_CAP }

    @Test
    void scenariosReachEveryTransition() {
        Map<Seen, Integer> seen = new EnumMap<>(Seen.class);
        qt().withExamples(400).forAll(configs(), scenarios()).checkAssert((config, commands) ->
                StatefulRun.run(config, commands, step -> {
                    BreakerState after = step.breaker().state();
                    if (step.before() == BreakerStatus.CLOSED && after instanceof BreakerState.Open) {
                        count(seen, Seen.OPENED_FROM_CLOSED);
                        if (config.window() instanceof WindowSpec.LastDuration) {
                            count(seen, Seen.OPENED_ON_TIME_WINDOW);
                        }
                        if (step.command() instanceof Command.Success) {
                            count(seen, Seen.OPENED_BY_SLOW_CALLS);
                        }
                    }
                    if (step.before() == BreakerStatus.OPEN && after instanceof BreakerState.HalfOpen) {
                        count(seen, Seen.HALF_OPENED);
                    }
                    if (Boolean.FALSE.equals(step.permitted())) {
                        count(seen, step.before() == BreakerStatus.OPEN ? Seen.REFUSED_WHILE_OPEN : Seen.REFUSED_IN_HALF_OPEN);
                    }
                    if (step.before() == BreakerStatus.HALF_OPEN && after instanceof BreakerState.Closed) {
                        count(seen, Seen.CLOSED_BY_PROBES);
                    }
                    if (step.before() == BreakerStatus.HALF_OPEN && after instanceof BreakerState.Open open) {
                        count(seen, Seen.REOPENED);
                        if (open.reopens() >= 2) {
                            count(seen, Seen.REOPENED_TWICE);
                        }
                        if (open.untilNanos() - open.openedAtNanos() == config.maxOpenDuration().toNanos()
                                && config.maxOpenDuration().compareTo(config.openDuration()) > 0) {
                            count(seen, Seen.REOPENED_AT_CAP);
                        }
                    }
                }));
        assertThat(seen.keySet()).containsExactlyInAnyOrder(Seen.values());
        seen.values().forEach(times -> assertThat(times).isGreaterThanOrEqualTo(5));
    }

    private static void count(Map<Seen, Integer> seen, Seen what) {
        seen.merge(what, 1, Integer::sum);
    }
}

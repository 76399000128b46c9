package dev.llmrouter.domain.breaker;

import static dev.llmrouter.domain.breaker.BreakerGenerators.configs;
import static dev.llmrouter.domain.breaker.BreakerGenerators.scenarios;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property 23 — Requirement 6.5: every transition emits exactly one event, with the deployment, the
 * state left, the state entered and the time of the call that caused it; no step without a transition
 * emits one; the events chain (each starts where the previous ended); and a listener that throws
 * changes none of the breaker's behaviour.
 */
@DisplayName("Property 23 (Requirement 6.5): exactly one event per transition, with from, to, deployment and time")
class Property23TransitionEventsTest {

    @Test
    @DisplayName("over arbitrary sequences, the events are exactly the reference model's transitions")
    void oneEventPerTransition() {
        qt().withExamples(400).forAll(configs(), scenarios()).checkAssert((config, commands) -> {
            BreakerStatus[] last = {BreakerStatus.CLOSED};
            StatefulRun.run(config, commands, step -> {
                assertThat(step.emitted()).hasSize(step.before() == step.after() ? 0 : 1);
                assertThat(step.emitted()).hasSameSizeAs(step.expected());
                for (int i = 0; i < step.emitted().size(); i++) {
                    BreakerTransition event = step.emitted().get(i);
                    ReferenceBreaker.Expected expected = step.expected().get(i);
                    assertThat(event.deployment()).isEqualTo(StatefulRun.DEPLOYMENT);
                    assertThat(event.from()).isEqualTo(expected.from()).isEqualTo(step.before()).isEqualTo(last[0]);
                    assertThat(event.to()).isEqualTo(expected.to()).isEqualTo(step.after());
                    assertThat(event.at()).isEqualTo(EpochNanos.toInstant(expected.atNanos()))
                            .isEqualTo(EpochNanos.toInstant(step.nowNanos()));
                    assertThat(event.reason()).isNotBlank();
                    last[0] = event.to();
                }
            });
        });
    }

    @Test
    @DisplayName("a listener that always throws changes nothing: same states, every failure counted")
    void aThrowingListenerDoesNotBreakTheBreaker() {
        qt().withExamples(200).forAll(configs(), scenarios()).checkAssert((config, commands) -> {
            AtomicInteger transitions = new AtomicInteger();
            CircuitBreaker[] breaker = {null};
            StatefulRun.run(config, commands, transition -> {
                throw new IllegalStateException("telemetry is down");
            }, step -> {
                transitions.addAndGet(step.emitted().size());
                breaker[0] = step.breaker();
            });
            assertThat(breaker[0].listenerFailures()).isEqualTo(transitions.get());
        });
    }
}

package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.fixtures.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirements 6.2–6.5 on the pure transition function itself: state and event in, step out. */
@DisplayName("Requirements 6.2-6.5: the pure transition function")
class BreakerMachineTest {

    private static final DeploymentId DEPLOYMENT = DeploymentId.of("japaneast-gpt4o-dr");
    private static final long T0 = EpochNanos.of(FakeClock.START);
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final BreakerMachine machine = new BreakerMachine(DEPLOYMENT,
            BreakerConfig.defaults().withSlowCallThreshold(Duration.ofSeconds(10)));

    @Test
    void aPermitWhileClosedChangesNothing() {
        BreakerState closed = machine.initial();
        BreakerMachine.Step step = machine.next(closed, BreakerEvent.PERMIT, T0);
        assertThat(step.permitted()).isTrue();
        assertThat(step.state()).isSameAs(closed);
        assertThat(step.transition()).isEmpty();
    }

    @Test
    void anOpenStateRefusesBeforeItsDeadlineAndBecomesHalfOpenAtIt() {
        BreakerState open = new BreakerState.Open(T0, T0 + 60 * SECOND, 1);
        BreakerMachine.Step early = machine.next(open, BreakerEvent.PERMIT, T0 + 60 * SECOND - 1);
        assertThat(early.permitted()).isFalse();
        assertThat(early.state()).isSameAs(open);

        BreakerMachine.Step due = machine.next(open, BreakerEvent.PERMIT, T0 + 60 * SECOND);
        assertThat(due.permitted()).isTrue();
        assertThat(due.state()).isEqualTo(new BreakerState.HalfOpen(1, 0, 1));
        assertThat(due.transition()).hasValueSatisfying(event -> {
            assertThat(event.deployment()).isEqualTo(DEPLOYMENT);
            assertThat(event.from()).isEqualTo(BreakerStatus.OPEN);
            assertThat(event.to()).isEqualTo(BreakerStatus.HALF_OPEN);
            assertThat(event.at()).isEqualTo(FakeClock.START.plusSeconds(60));
        });
    }

    @Test
    void aSlowProbeReopensForTheGrownDuration() {
        BreakerState half = new BreakerState.HalfOpen(2, 1, 1);
        BreakerMachine.Step step = machine.next(half, new BreakerEvent.Success(11 * SECOND), T0);
        assertThat(step.state()).isEqualTo(new BreakerState.Open(T0, T0 + 120 * SECOND, 2));
        assertThat(step.transition()).hasValueSatisfying(event ->
                assertThat(event.reason()).contains("probe was slow", "PT11S", "PT2M"));
    }

    @Test
    void theLastProbeSucceedingCloses() {
        BreakerMachine.Step step = machine.next(new BreakerState.HalfOpen(3, 2, 4), new BreakerEvent.Success(SECOND), T0);
        assertThat(step.state()).isSameAs(machine.initial());
        assertThat(step.transition()).hasValueSatisfying(event -> {
            assertThat(event.from()).isEqualTo(BreakerStatus.HALF_OPEN);
            assertThat(event.to()).isEqualTo(BreakerStatus.CLOSED);
        });
    }
}

package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.fixtures.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.util.List;

/**
 * Drives a real {@link CircuitBreaker} (on a fake clock) and a {@link ReferenceBreaker} with the same
 * commands, checks after every step that they agree on status, permit answers and open deadline, and
 * hands each step to the property under test.
 */
final class StatefulRun {

    static final DeploymentId DEPLOYMENT = DeploymentId.of("eastus-gpt4o-primary");

    /** What one step did, as seen from both sides. */
    record Observation(
            Command command,
            long nowNanos,
            BreakerState stateBefore,
            BreakerStatus before,
            BreakerStatus after,
            Boolean permitted,
            ReferenceBreaker model,
            CircuitBreaker breaker,
            List<BreakerTransition> emitted,
            List<ReferenceBreaker.Expected> expected) {
    }

    interface Check {
        void step(Observation observation);
    }

    private StatefulRun() {
    }

    static void run(BreakerConfig config, List<Command> commands, Check check) {
        run(config, commands, new RecordingListener(), check);
    }

    static void run(BreakerConfig config, List<Command> commands, BreakerListener extra, Check check) {
        FakeClock clock = new FakeClock();
        RecordingListener listener = new RecordingListener();
        CircuitBreaker breaker = new CircuitBreaker(DEPLOYMENT, config, transition -> {
            listener.onTransition(transition);
            extra.onTransition(transition);
        });
        ReferenceBreaker model = new ReferenceBreaker(config);
        // The pure function, driven with event values, must walk the same states as the holder.
        BreakerMachine machine = new BreakerMachine(DEPLOYMENT, config);
        BreakerState pure = machine.initial();
        for (Command command : commands) {
            BreakerState stateBefore = breaker.state();
            BreakerStatus before = stateBefore.status();
            int expectedBefore = model.transitions.size();
            Boolean permitted = null;
            long now = clock.nanos();
            if (command instanceof Command.Permit) {
                permitted = breaker.tryAcquirePermission(now);
                assertThat(permitted).as("permit answer after %s", commands).isEqualTo(model.permit(now));
                BreakerMachine.Step step = machine.next(pure, BreakerEvent.PERMIT, now);
                assertThat(step.permitted()).isEqualTo(permitted);
                pure = step.state();
            } else if (command instanceof Command.Success success) {
                breaker.onSuccess(success.millis() * 1_000_000, now);
                model.outcome(false, success.millis() * 1_000_000, now);
                pure = machine.next(pure, new BreakerEvent.Success(success.millis() * 1_000_000), now).state();
            } else if (command instanceof Command.Failure failure) {
                breaker.onFailure(failure.millis() * 1_000_000, now);
                model.outcome(true, failure.millis() * 1_000_000, now);
                pure = machine.next(pure, new BreakerEvent.Failure(failure.millis() * 1_000_000), now).state();
            } else {
                clock.advanceMillis(((Command.Advance) command).millis());
            }
            assertThat(breaker.status()).as("status after %s in %s", command, commands).isEqualTo(model.status);
            if (pure instanceof BreakerState.Closed pureClosed) {
                SlidingWindow held = ((BreakerState.Closed) breaker.state()).window();
                assertThat(pureClosed.window().calls()).isEqualTo(held.calls());
                assertThat(pureClosed.window().failures()).isEqualTo(held.failures());
            } else {
                assertThat(pure).isEqualTo(breaker.state());
            }
            assertThat(breaker.expectedAvailableAt()).isEqualTo(model.status == BreakerStatus.OPEN
                    ? java.util.Optional.of(EpochNanos.toInstant(model.until)) : java.util.Optional.empty());
            List<ReferenceBreaker.Expected> expected =
                    List.copyOf(model.transitions.subList(expectedBefore, model.transitions.size()));
            check.step(new Observation(command, now, stateBefore, before, breaker.status(), permitted, model, breaker,
                    listener.drain(), expected));
        }
    }
}

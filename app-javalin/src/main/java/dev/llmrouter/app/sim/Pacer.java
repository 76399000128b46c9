package dev.llmrouter.app.sim;

import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.EndpointException;
import java.time.Duration;

/**
 * Makes simulated time pass. The gateway uses {@link #REAL} (a simulated deployment's latency is
 * real, so a demo looks like one); tests use {@link #NONE} or a recording pacer, so no test waits.
 */
@FunctionalInterface
public interface Pacer {

    void pause(Duration duration);

    /** Sleeps; an interrupt (a cancelled call) ends the call as a reset connection. */
    Pacer REAL = duration -> {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EndpointException(Failure.transport(FailureKind.CONNECTION_RESET, "call interrupted"));
        }
    };

    /** Time does not pass. */
    Pacer NONE = duration -> {};
}

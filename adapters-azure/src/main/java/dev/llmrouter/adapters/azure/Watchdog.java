package dev.llmrouter.adapters.azure;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enforces attempt timeouts on blocking calls: one daemon thread for the whole adapter that, when a
 * call overruns, cuts it short (cancels the OkHttp call, which closes its socket; closes a stream's
 * body; and interrupts the thread blocked in the call, which is what stops the JDK client).
 */
final class Watchdog {

    private static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private Watchdog() {}

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "llm-router-azure-watchdog");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true); // a cancelled alarm leaves the queue at once
        return executor;
    }

    static ScheduledFuture<?> schedule(Runnable alarm, Duration after) {
        return EXECUTOR.schedule(alarm, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A deadline for the calling thread's blocking call: cancels the call and interrupts the thread
     * if it is still inside the call when the time is up. Closing it guarantees that no interrupt of
     * ours is left pending on the thread afterwards (the states make the interrupt and its clearing
     * happen in order).
     */
    static final class Deadline implements AutoCloseable {
        private static final int RUNNING = 0;
        private static final int DONE = 1;
        private static final int FIRING = 2;
        private static final int FIRED = 3;

        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private final ScheduledFuture<?> alarm;

        Deadline(Duration timeout, InFlightCall call) {
            Thread caller = Thread.currentThread();
            alarm = schedule(() -> {
                if (state.compareAndSet(RUNNING, FIRING)) {
                    call.cancel();
                    caller.interrupt();
                    state.set(FIRED);
                }
            }, timeout);
        }

        /** True when the call overran and was interrupted. */
        boolean expired() {
            return state.get() >= FIRING;
        }

        @Override
        public void close() {
            alarm.cancel(false);
            if (!state.compareAndSet(RUNNING, DONE)) {
                while (state.get() != FIRED) {
                    Thread.onSpinWait();
                }
                Thread.interrupted(); // our interrupt, not the owner's: clear it
            }
        }
    }
}

package dev.llmrouter.adapters.azure;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces attempt timeouts on blocking calls: one daemon thread for the whole adapter that, when a
 * call overruns, cuts it short (cancels the OkHttp call, which closes its socket; closes a stream's
 * body; and interrupts the thread blocked in the call, which is what stops the JDK client).
 *
 * <p>Algorithm: a coarse ticker, not a timer queue. Alarms go into a lock-free queue; a cancelled
 * alarm only flips a flag. While alarms are pending the thread wakes every {@link #TICK_NANOS}
 * (10 ms), fires the alarms that are due and drops the cancelled ones; so an alarm fires at most one
 * tick late, which is nothing next to attempt timeouts of hundreds of milliseconds or more. Why: every
 * call arms and cancels at least one alarm, and a timer queue (ScheduledThreadPoolExecutor) takes a
 * lock for each and wakes its thread whenever the new alarm is the earliest, which on a lightly loaded
 * gateway is every call; here arming is one lock-free enqueue and wakes nobody. With no alarm pending
 * for {@link #LINGER_NANOS} (1 s) the thread parks until the next alarm, so an idle gateway costs
 * nothing; under traffic it costs about 100 short wake-ups a second in all.
 *
 * <p>Why not a library's timeout. The deadline of a request is the router's (per request, across
 * attempts and backoffs, on its injected clock): the router hands each attempt the time it has left,
 * and this class only makes a blocking call on a real socket give up when that real time has passed,
 * which no fake clock can do. The libraries at hand were weighed for that last step:
 * <ul>
 *   <li>OkHttp's {@code callTimeout} is set on the client or on a call before it starts; azure-core
 *       starts the call, so a per-attempt value cannot reach it (an interceptor runs after the call's
 *       timeout was entered). Its {@code readTimeout}, settable per call from an interceptor, would
 *       bound each read rather than the attempt, and Okio enforces it with an {@code AsyncTimeout}
 *       entry (a lock on one shared queue) per socket read, the per-read cost the stream's single
 *       idle alarm avoids.</li>
 *   <li>Failsafe's {@code Timeout} schedules one task per execution on a
 *       {@code ScheduledExecutorService} (a lock, and a wake-up whenever the new task is the
 *       earliest), and its interrupt does not stop a blocking socket read: it would still need the
 *       call cancelled through {@link InFlightCall}, so it would add a scheduler and keep this
 *       class's work.</li>
 * </ul>
 * Neither reads an injectable clock either. So the adapter keeps this ticker, and no transport
 * timeout is configured ({@link AzureOpenAiEndpoint#defaultHttpClient()}).
 */
final class Watchdog {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final ConcurrentLinkedQueue<Alarm> ALARMS = new ConcurrentLinkedQueue<>();
    private static volatile boolean sleeping;
    private static final Thread TICKER = start();

    private Watchdog() {}

    private static Thread start() {
        Thread t = new Thread(Watchdog::tick, "llm-router-azure-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Runs {@code action} on the watchdog thread once {@code after} has passed, unless cancelled first. */
    static Alarm schedule(Runnable action, Duration after) {
        Alarm alarm = new Alarm(action, System.nanoTime() + after.toNanos());
        ALARMS.add(alarm);
        if (sleeping) {
            LockSupport.unpark(TICKER);
        }
        return alarm;
    }

    /** A pending action; {@link #cancel()} is one volatile write. */
    static final class Alarm {
        private final Runnable action;
        private final long dueNanos;
        private volatile boolean cancelled;

        private Alarm(Runnable action, long dueNanos) {
            this.action = action;
            this.dueNanos = dueNanos;
        }

        void cancel() {
            cancelled = true;
        }
    }

    private static void tick() {
        long lastBusy = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            boolean pending = false;
            for (Iterator<Alarm> it = ALARMS.iterator(); it.hasNext(); ) {
                Alarm a = it.next();
                if (a.cancelled) {
                    it.remove();
                } else if (now - a.dueNanos >= 0) {
                    it.remove();
                    try {
                        a.action.run();
                    } catch (RuntimeException | Error e) {
                        // an alarm that fails must not stop the watchdog for every other call
                    }
                } else {
                    pending = true;
                }
            }
            if (pending) {
                lastBusy = now;
            }
            if (!pending && now - lastBusy > LINGER_NANOS) {
                sleeping = true;
                if (ALARMS.isEmpty()) { // re-checked after the flag: an alarm added meanwhile unparks us
                    LockSupport.park(Watchdog.class);
                }
                sleeping = false;
                lastBusy = System.nanoTime();
            } else {
                LockSupport.parkNanos(Watchdog.class, TICK_NANOS);
            }
        }
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
        private final Alarm alarm;

        Deadline(Duration timeout, InFlightCall call) {
            Thread caller = Thread.currentThread();
            alarm = schedule(() -> {
                if (state.compareAndSet(RUNNING, FIRING)) {
                    try {
                        call.cancel();
                        caller.interrupt();
                    } finally {
                        state.set(FIRED); // close() waits for this
                    }
                }
            }, timeout);
        }

        /** True when the call overran and was interrupted. */
        boolean expired() {
            return state.get() >= FIRING;
        }

        @Override
        public void close() {
            alarm.cancel();
            if (!state.compareAndSet(RUNNING, DONE)) {
                while (state.get() != FIRED) {
                    Thread.onSpinWait();
                }
                Thread.interrupted(); // our interrupt, not the owner's: clear it
            }
        }
    }
}

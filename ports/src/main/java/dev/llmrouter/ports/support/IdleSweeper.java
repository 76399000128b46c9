package dev.llmrouter.ports.support;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts an in-memory store's idle sweep in the background, at most once per interval, from the
 * operation that notices it is due; shared by the quota store and the account rate limiter.
 *
 * <p><b>Why this shape.</b> Per-account state is dropped by an occasional sweep rather than by an
 * access-expiring cache (which reads its clock and records every read on the hot path). Sweeping on
 * the caller's thread would make an unlucky caller pay for the whole map, and a timer thread would
 * need a lifecycle; so each operation, once it has released its own locks, hands in the time it
 * already read, and the first one to find the sweep due submits it to the common pool. No caller
 * pays for the sweep itself, only for one volatile read and a subtraction.
 *
 * <p><b>Concurrency.</b> The due time is a volatile field read without a lock: a racy read only
 * delays or repeats a check, and a compare-and-set on {@code sweeping} lets exactly one caller start
 * a sweep and keeps a second from starting while one runs (the flag is cleared when the sweep ends,
 * however it ends). A pool that refuses the work only delays the sweep to the next interval. This
 * class only schedules: the sweep must itself be safe against concurrent operations (each store
 * retires an entry under the entry's monitor before removing it, and a caller that finds it retired
 * looks again), and it may also be run directly (tests do), concurrently with a scheduled one.
 *
 * <p><b>Time.</b> Nanoseconds on whatever clock the store reads (a monotonic ticker or epoch
 * nanoseconds), compared as {@code now - due >= 0}, so a ticker that wraps is handled as
 * {@link System#nanoTime()} deadlines are. An entry idle for {@code idle} is thus dropped between
 * {@code idle} and {@code idle + interval} after its last use, provided operations keep arriving.
 */
public final class IdleSweeper {

    private final Runnable sweep;
    private final long intervalNanos;
    private final Executor executor = ForkJoinPool.commonPool();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** Time from which the next sweep is due; racy reads only delay or repeat a check. */
    private volatile long dueNanos;

    /**
     * @param sweep         drops what may be dropped; run on the common pool, never two at once from here
     * @param intervalNanos the least time between two sweeps started from here; positive
     * @param nowNanos      the store's clock now: the first sweep is due one interval later
     */
    public IdleSweeper(Runnable sweep, long intervalNanos, long nowNanos) {
        this.sweep = Objects.requireNonNull(sweep, "sweep");
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("sweep interval must be positive: " + intervalNanos + " ns");
        }
        this.intervalNanos = intervalNanos;
        this.dueNanos = nowNanos + intervalNanos;
    }

    /**
     * Starts a sweep on the common pool if one is due at {@code nowNanos} and none is running; call it
     * after releasing the operation's own locks, with the time the operation read.
     */
    public void sweepIfDue(long nowNanos) {
        if (nowNanos - dueNanos < 0 || !sweeping.compareAndSet(false, true)) {
            return;
        }
        dueNanos = nowNanos + intervalNanos;
        try {
            executor.execute(() -> {
                try {
                    sweep.run();
                } finally {
                    sweeping.set(false);
                }
            });
        } catch (RuntimeException rejected) {
            // A pool that refuses work only delays the sweep to the next interval.
            sweeping.set(false);
        }
    }
}

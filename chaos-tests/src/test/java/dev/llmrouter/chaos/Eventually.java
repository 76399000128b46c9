package dev.llmrouter.chaos;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition of the running gateway (a breaker that opens, a cooldown that ends) without
 * sleeping a guessed time: the condition is polled with short parks until it holds or a bounded
 * deadline passes, and the caller learns how long it took.
 *
 * <p>Why not {@code Thread.sleep}: a fixed sleep either wastes time or is too short on a loaded CI
 * machine; polling returns as soon as the condition holds and fails with a clear message when it
 * never does.
 */
final class Eventually {

    /** Between two polls: short enough to see a 300 ms breaker window to within a few ms. */
    private static final long PARK_NANOS = Duration.ofMillis(2).toNanos();

    private Eventually() {}

    /**
     * Polls {@code condition} until it holds.
     *
     * @return how long it took
     * @throws AssertionError when {@code timeout} passes first
     */
    static Duration await(Duration timeout, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    /** Polls {@code probe} until it yields a value, and returns it. */
    static <T> T awaitValue(Duration timeout, String what, Supplier<Optional<T>> probe) {
        Object[] found = new Object[1];
        await(timeout, what, () -> {
            Optional<T> v = probe.get();
            v.ifPresent(x -> found[0] = x);
            return v.isPresent();
        });
        @SuppressWarnings("unchecked")
        T value = (T) found[0];
        return value;
    }

    /**
     * Runs {@code action} (e.g. one request) repeatedly until {@code condition} holds: for conditions
     * that only traffic can bring about, such as a half-open breaker closing after successful probes.
     *
     * @return how many times the action ran
     */
    static int driveUntil(Duration timeout, String what, Runnable action, BooleanSupplier condition) {
        int[] runs = {0};
        await(timeout, what, () -> {
            if (condition.getAsBoolean()) {
                return true;
            }
            action.run();
            runs[0]++;
            return condition.getAsBoolean();
        });
        return runs[0];
    }
}

package dev.llmrouter.app.http;

import java.io.PrintStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes the access log ({@link RequestLog}) off the request threads, in batches.
 *
 * <p>Why: through slf4j-simple every request formatted its line with the logger's {@code {}} formatter
 * and then wrote it under the logger's global lock, flushing {@code System.err} (one {@code write}
 * system call) while holding it. Under load the request threads queued on that lock (JFR monitor waits
 * of more than 10 ms on {@code SimpleLoggerConfiguration}), and the system calls cost more than the line.
 *
 * <p>How: a request thread builds its line and appends it to a lock-free queue, nothing else. One
 * daemon thread wakes every {@link #FLUSH_INTERVAL_NANOS} (not per line: a wake-up per line would cost a
 * system call again), takes every queued line and prints them to {@code System.err} in one call and one
 * flush. Lines keep slf4j-simple's layout ({@code [thread] INFO logger - message}, the thread being the
 * request's), so readers of the log see no difference but the up-to-20-ms delay.
 *
 * <p>Nothing is lost: each line remembers the {@code System.err} of the moment it was logged (so that a
 * stream swapped later still gets its own lines); when more than {@link #MAX_QUEUED} lines wait (the
 * stream is slower than the traffic), the request thread prints its line itself, which is the old
 * behaviour, as back-pressure instead of dropping; and {@link #close()} (the server has stopped, also on
 * a JVM shutdown through the gateway's hook) prints whatever is still queued before it returns.
 */
final class AccessLogWriter implements AutoCloseable {

    /** How long a line may wait before it is printed. */
    static final long FLUSH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Queued lines beyond which a request thread prints its own line (≈ a few MB of text). */
    static final int MAX_QUEUED = 16_384;

    private record Line(PrintStream to, String text) {}

    private final Queue<Line> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Thread thread;

    /** Queues one line (without its line separator) for {@code System.err}. */
    void write(String line) {
        PrintStream to = System.err;
        if (closed || queued.get() >= MAX_QUEUED) {
            to.println(line);
            return;
        }
        ensureStarted();
        queue.add(new Line(to, line));
        queued.incrementAndGet();
        if (closed) {
            // close() may have drained just before this line went in: print it (and anything left) here.
            drain();
        }
    }

    private void ensureStarted() {
        if (!started.get() && started.compareAndSet(false, true)) {
            Thread t = new Thread(this::run, "llm-router-access-log");
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(this, FLUSH_INTERVAL_NANOS);
            drain();
        }
    }

    /** Above this capacity the batch buffer is let go after a drain rather than kept (a burst's size). */
    private static final int KEPT_BATCH_CAPACITY = 256 * 1024;

    /**
     * The batch buffer, kept from one drain to the next (drains are synchronized): a new, growing
     * builder per drain measured as most of this thread's allocation, a steady young-GC load.
     */
    private StringBuilder kept = new StringBuilder(16 * 1024);

    /** Prints every queued line, grouped per target stream, one print and one flush per group. */
    private synchronized void drain() {
        StringBuilder batch = null;
        PrintStream to = null;
        String separator = System.lineSeparator();
        Line line;
        while ((line = queue.poll()) != null) {
            queued.decrementAndGet();
            if (to != line.to() && batch != null) {
                print(to, batch);
                batch.setLength(0);
            }
            if (batch == null) {
                batch = kept;
                batch.setLength(0);
            }
            to = line.to();
            batch.append(line.text()).append(separator);
        }
        if (batch != null && batch.length() > 0) {
            print(to, batch);
        }
        if (batch != null) {
            batch.setLength(0);
            if (batch.capacity() > KEPT_BATCH_CAPACITY) {
                kept = new StringBuilder(16 * 1024);
            }
        }
    }

    private static void print(PrintStream to, StringBuilder batch) {
        to.print(batch);
        to.flush();
    }

    /** Prints what is queued and stops the writer thread; later lines are printed by their callers. */
    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
    }
}

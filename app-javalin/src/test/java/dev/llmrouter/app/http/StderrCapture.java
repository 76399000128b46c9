package dev.llmrouter.app.http;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Captures {@code System.err} until closed, and lets a test wait (blocking, bounded) for lines that
 * are written by another thread, such as the access log's async appender.
 */
final class StderrCapture implements AutoCloseable {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream original = System.err;

    StderrCapture() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (StderrCapture.this) {
                    bytes.write(b);
                    StderrCapture.this.notifyAll();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (StderrCapture.this) {
                    bytes.write(b, off, len);
                    StderrCapture.this.notifyAll();
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The lines matching {@code which}, once there are at least {@code count} of them or {@code timeout} passed. */
    synchronized List<String> awaitLines(Predicate<String> which, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = text().lines().filter(which).toList();
            long left = deadline - System.nanoTime();
            if (lines.size() >= count || left <= 0) {
                return lines;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}

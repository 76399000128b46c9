package dev.llmrouter.app.http;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logback's {@link AsyncAppender} for the access log ({@link RequestLog}), configured in
 * {@code logback.xml} with {@code neverBlock}: a request thread only puts its line on a bounded queue,
 * and the appender's worker writes it. When the queue is full (the console is slower than the
 * traffic) the line is dropped rather than block a request; this class counts such drops, exactly
 * when one thread logs, and may miss a drop when request threads race for the last free slot, and
 * says so in a warning at the first drop and at every {@link #WARN_EVERY} after it. Stopping the
 * logging ({@link #stopLogging()}, at the end of an orderly shutdown) writes every queued line first.
 */
public final class AccessLogAppender extends AsyncAppender {

    /** Drops between two warnings about them, so that the warnings cannot flood the log in their turn. */
    static final long WARN_EVERY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogAppender.class);

    private final AtomicLong dropped = new AtomicLong();

    @Override
    protected void append(ILoggingEvent event) {
        if (getRemainingCapacity() == 0) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % WARN_EVERY == 0) {
                LOG.warn("access log: {} line(s) dropped so far, the console cannot keep up with the requests", n);
            }
            return;
        }
        super.append(event);
    }

    /** Access-log lines dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * Stops the logging backend, which writes every queued access-log line before it returns (within
     * the appender's {@code maxFlushTime}); logging after this is lost, so call it last.
     */
    public static void stopLogging() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.stop();
        }
    }
}

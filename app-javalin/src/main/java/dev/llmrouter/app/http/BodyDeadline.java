package dev.llmrouter.app.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * The deadline of one request body read ({@link BodyReadLimits}), enforced on a blocking servlet read.
 *
 * <p>A blocking read cannot be given a deadline of its own, so before each read the connection's idle
 * timeout is lowered to the time left: a body that stalls fails the read at the deadline (Jetty reports
 * the timeout to the reader and the connection stays able to answer), and a body that trickles is caught
 * when the read returns, by the clock. The connection's own idle timeout is put back when the body is in
 * ({@link #close}), so answers and streams keep it.
 */
final class BodyDeadline implements AutoCloseable {

    private final BodyReadLimits limits;
    private final EndPoint endPoint;
    private final long originalIdleTimeout;
    private final long startNanos;
    private long received;

    private BodyDeadline(BodyReadLimits limits, EndPoint endPoint) {
        this.limits = limits;
        this.endPoint = endPoint;
        this.originalIdleTimeout = endPoint == null ? 0 : endPoint.getIdleTimeout();
        this.startNanos = System.nanoTime();
    }

    static BodyDeadline start(HttpServletRequest req, BodyReadLimits limits) {
        return new BodyDeadline(limits, endPoint(req));
    }

    /** The connection's end point; null where the request is not Jetty's (the deadline then runs on the clock alone). */
    private static EndPoint endPoint(HttpServletRequest req) {
        ServletContextRequest jetty;
        try {
            jetty = ServletContextRequest.getServletContextRequest(req);
        } catch (IllegalStateException notJetty) {
            return null; // a request not served by Jetty (a test double) has no connection to arm
        }
        if (jetty == null || jetty.getConnectionMetaData() == null || jetty.getConnectionMetaData().getConnection() == null) {
            return null;
        }
        return jetty.getConnectionMetaData().getConnection().getEndPoint();
    }

    /** Before a read: the time left, as the connection's idle timeout; the 408 if none is left. */
    void beforeRead() {
        long left = limits.deadlineNanos(startNanos, received) - System.nanoTime();
        if (left <= 0) {
            throw timedOut();
        }
        if (endPoint != null) {
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1);
            endPoint.setIdleTimeout(originalIdleTimeout > 0 ? Math.min(millis, originalIdleTimeout) : millis);
        }
    }

    /** After a read of {@code n} bytes: the 408 if they came too late. */
    void afterRead(int n) {
        if (n > 0) {
            received += n;
        }
        if (System.nanoTime() - limits.deadlineNanos(startNanos, received) > 0) {
            throw timedOut();
        }
    }

    /** Whether a failed read failed because the body's time ran out (the idle timeout set by {@link #beforeRead}). */
    static boolean isTimeout(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    ApiError.ApiException timedOut() {
        return ApiError.bodyTimeout(limits).exception();
    }

    @Override
    public void close() {
        if (endPoint != null) {
            endPoint.setIdleTimeout(originalIdleTimeout);
        }
    }
}

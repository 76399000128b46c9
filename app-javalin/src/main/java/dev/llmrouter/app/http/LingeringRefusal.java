package dev.llmrouter.app.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Answers that leave before their request's body has been read (a refusal: 401, 413, 415, 429 for the
 * account's slots, 408 for a body too slow) reach the caller: after the answer has been written, the rest
 * of the body is read and discarded for a bounded time and number of bytes, and only then is the
 * connection let go (Requirement 9.3).
 *
 * <p>Why: closing a connection whose unread request bytes are still arriving makes the kernel reset it,
 * and a reset can overtake the answer already sent: the caller sees a connection dropped without a word
 * (typically a client that writes its whole body before it reads, or one still writing when the answer
 * comes), and a 429 that an SDK would have retried after {@code Retry-After} becomes a network error.
 * This is the "lingering close" of HTTP servers, done once here for every answer of the gateway rather
 * than in each handler.
 *
 * <p>The bound: at most as many bytes as the body declares (its {@code Content-Length}), never more than
 * the largest body the gateway accepts (for a chunked body, or a declared length over it), and for at most
 * {@link #LIMITS}: {@value #BASE_MILLIS} ms, plus one second for each {@value #MIN_BYTES_PER_SECOND} bytes
 * discarded (a body arriving at that average rate is let finish; one that stalls or trickles is cut off
 * {@value #BASE_MILLIS} ms past that rate). No thread waits meanwhile: the discarding is driven by the
 * connection's read readiness ({@link Request#demand}) and a timer, and the request's own thread has
 * already gone back to the pool. A body discarded to its end leaves the connection as the answer framed
 * it (kept alive unless the answer said {@code Connection: close}); one cut off by the bound is closed.
 */
final class LingeringRefusal extends Handler.Wrapper {

    static final long BASE_MILLIS = 500;
    static final long MIN_BYTES_PER_SECOND = 1024 * 1024;
    static final BodyReadLimits LIMITS = new BodyReadLimits(Duration.ofMillis(BASE_MILLIS), MIN_BYTES_PER_SECOND);

    private final long maxBodyBytes;

    /** @param maxBodyBytes the largest body the gateway accepts: no more than that is ever discarded */
    LingeringRefusal(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(new RestLeftForLater(request), response,
                new DiscardRest(request, callback, byteBound(request)));
    }

    private long byteBound(Request request) {
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        return declared >= 0 ? Math.min(declared, maxBodyBytes) : maxBodyBytes;
    }

    /**
     * The request as the servlet layer sees it, except that consuming what is available when the answer is
     * complete does not give up on the rest: Jetty's own marks the body failed there (so the connection is
     * closed with the rest unread, the reset this class exists to avoid); the rest is left to
     * {@link DiscardRest}, which runs once the answer is out.
     */
    private static final class RestLeftForLater extends Request.Wrapper {

        RestLeftForLater(Request request) {
            super(request);
        }

        @Override
        public boolean consumeAvailable() {
            return false;
        }
    }

    /**
     * Completes the exchange once the rest of the request body has been discarded, or the bound is
     * reached. Reads happen under this object's lock and never after {@link #finish}, so Jetty's own
     * consumption at completion never runs beside one of ours.
     */
    private static final class DiscardRest implements Callback, Runnable {

        private final Request request;
        private final Callback delegate;
        private final long maxBytes;
        private long startNanos;
        private long discarded;
        private boolean finished;
        private Scheduler.Task timer;

        DiscardRest(Request request, Callback delegate, long maxBytes) {
            this.request = request;
            this.delegate = delegate;
            this.maxBytes = maxBytes;
        }

        @Override
        public void succeeded() {
            synchronized (this) {
                startNanos = System.nanoTime();
            }
            run();
        }

        @Override
        public void failed(Throwable failure) {
            synchronized (this) {
                finished = true;
            }
            delegate.failed(failure);
        }

        /** Reads what has arrived; asks to be called again when more does, until the end or the bound. */
        @Override
        public void run() {
            boolean done = false;
            synchronized (this) {
                if (finished) {
                    return;
                }
                while (!done) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        if (System.nanoTime() - LIMITS.deadlineNanos(startNanos, discarded) > 0) {
                            done = true;
                        } else {
                            scheduleTimer();
                            request.demand(this);
                            return;
                        }
                    } else if (Content.Chunk.isFailure(chunk)) {
                        // The caller went away, or the connection failed: nothing left to discard.
                        done = true;
                    } else {
                        discarded += chunk.remaining();
                        boolean last = chunk.isLast();
                        chunk.release();
                        done = last || discarded >= maxBytes;
                    }
                }
                finished = true;
                cancelTimer();
            }
            delegate.succeeded();
        }

        /** At the deadline as it stands; when it fires, the deadline is looked at again (bytes may have earned more time). */
        private void scheduleTimer() {
            if (timer != null) {
                return;
            }
            long left = LIMITS.deadlineNanos(startNanos, discarded) - System.nanoTime();
            timer = request.getComponents().getScheduler().schedule(this::onTimer, Math.max(1, left), TimeUnit.NANOSECONDS);
        }

        private void onTimer() {
            synchronized (this) {
                timer = null;
                if (finished) {
                    return;
                }
                if (System.nanoTime() - LIMITS.deadlineNanos(startNanos, discarded) <= 0) {
                    scheduleTimer();
                    return;
                }
                finished = true;
            }
            // Cut off: the body's rest stays unread, and Jetty closes the connection.
            delegate.succeeded();
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return delegate.getInvocationType();
        }
    }
}

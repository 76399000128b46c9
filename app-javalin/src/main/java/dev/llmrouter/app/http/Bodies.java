package dev.llmrouter.app.http;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Request and response bodies of the chat routes, moved without the framework's general-purpose copies.
 *
 * <p>Why not {@code ctx.bodyAsBytes()} and {@code ctx.result(bytes)}: Javalin reads every body through an
 * 8 KB chunk into a growing {@code ByteArrayOutputStream} (then copies it out), and writes every result
 * through a {@code ByteArrayInputStream} and a 32 KB copy buffer (Jetty's output buffer size). For a chat
 * call of a few hundred bytes each way that was ~45 KB of garbage per request, the largest allocation
 * the HTTP layer made (JFR allocation samples). Here a body with a declared length is read into an array
 * of exactly that length, and an answer is written once, with its length, straight to the servlet
 * stream: Jetty sends headers and body together and completes the response when the last byte is in.
 */
final class Bodies {

    /** First buffer for a body of undeclared length (chunked): a typical chat body fits. */
    private static final int CHUNKED_FIRST_BUFFER = 4096;
    /** The largest array the JVM reliably allocates: a body beyond it cannot be held whatever the limit. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    private Bodies() {}

    /**
     * The whole request body, at most {@code maxBytes}: a larger one, declared or streamed, is refused
     * with 413 ({@link ApiError#bodyTooLarge}) without reading past the limit; one that does not arrive
     * within {@code limits} (stalled, or trickling) with 408 ({@link ApiError#bodyTimeout}). A read that
     * fails otherwise (the caller went away mid-body) surfaces as an {@link UncheckedIOException}, which
     * the API maps to 400.
     */
    static byte[] read(Context ctx, long maxBytes, BodyReadLimits limits) {
        HttpServletRequest req = ctx.req();
        long declared = req.getContentLengthLong();
        long limit = Math.min(maxBytes, MAX_ARRAY);
        if (declared > limit) {
            throw ApiError.bodyTooLarge(maxBytes).exception();
        }
        if (declared == 0) {
            return new byte[0];
        }
        try (BodyDeadline deadline = BodyDeadline.start(req, limits)) {
            try {
                InputStream in = req.getInputStream();
                return declared > 0 ? readDeclared(in, (int) declared, maxBytes, deadline)
                        : readChunked(in, limit, maxBytes, deadline);
            } catch (IOException e) {
                if (BodyDeadline.isTimeout(e)) {
                    throw deadline.timedOut();
                }
                throw new UncheckedIOException(e);
            }
        }
    }

    private static byte[] readDeclared(InputStream in, int length, long maxBytes, BodyDeadline deadline)
            throws IOException {
        byte[] body = new byte[length];
        int n = 0;
        while (n < length) {
            deadline.beforeRead();
            int r = in.read(body, n, length - n);
            deadline.afterRead(r);
            if (r < 0) {
                throw new java.io.EOFException("the body ended after " + n + " of " + length + " declared bytes");
            }
            n += r;
        }
        // The server frames the body by its Content-Length, so nothing follows; checked all the same.
        if (in.read() >= 0) {
            throw ApiError.bodyTooLarge(maxBytes).exception();
        }
        return body;
    }

    private static byte[] readChunked(InputStream in, long limit, long maxBytes, BodyDeadline deadline)
            throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNKED_FIRST_BUFFER, limit + 1)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > limit) {
                    throw ApiError.bodyTooLarge(maxBytes).exception();
                }
                // Grow by doubling, but never beyond one byte over the limit (the byte that proves it too large).
                buf = Arrays.copyOf(buf, (int) Math.min((long) n * 2, limit + 1));
            }
            deadline.beforeRead();
            int r = in.read(buf, n, buf.length - n);
            deadline.afterRead(r);
            if (r < 0) {
                break;
            }
            n += r;
        }
        if (n > limit) {
            throw ApiError.bodyTooLarge(maxBytes).exception();
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /**
     * Answers with {@code body} as {@code application/json}: status, content type and length, then the
     * bytes in one write. The response is complete when this returns (the declared length is reached),
     * so nothing later can append to it.
     */
    static void writeJson(Context ctx, int status, byte[] body) {
        HttpServletResponse res = ctx.res();
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        try {
            res.getOutputStream().write(body);
        } catch (IOException e) {
            // The caller went away: there is no one left to answer.
            throw new UncheckedIOException(e);
        }
    }
}

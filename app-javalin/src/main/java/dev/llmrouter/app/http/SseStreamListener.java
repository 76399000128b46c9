package dev.llmrouter.app.http;

import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a routed stream to the caller as OpenAI does: {@code text/event-stream}, one
 * {@code data: {json}\n\n} frame per chunk, flushed at once, ending in {@code data: [DONE]\n\n} — or,
 * when the deployment broke off, in {@code data: {"error":{...}}\n\n} and no {@code [DONE]}.
 *
 * <p>Written straight to the servlet stream (Javalin's {@code sse} is GET-only and its result pipeline
 * would buffer and may compress). Headers go out at {@link #onStart}, when the route is fixed; a write
 * that fails means the caller went away, and {@link #onChunk} answers {@code false} so the router
 * cancels the upstream call.
 *
 * <p>A Responses API stream ({@code responses}) is written as the Responses API writes it: each event
 * as its {@code event:} line and its data, as the deployment sent them; it ends after
 * {@code response.completed} with no {@code [DONE]}, or, broken off, with an {@code error} event. The
 * id of the response ({@code response.created}) is kept, so the gateway can remember which deployment
 * holds it.
 */
final class SseStreamListener implements StreamListener {

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServletResponse response;
    private final RequestLog log;
    private final boolean responses;
    private String responseId;
    private OutputStream out;
    private boolean started;
    private boolean gone;

    SseStreamListener(HttpServletResponse response, RequestLog log, boolean responses) {
        this.response = response;
        this.log = log;
        this.responses = responses;
    }

    @Override
    public void onStart(RouteInfo route, RateLimitStatus rateLimit) {
        start(OutcomeMapping.routeHeaders(route, java.util.List.of()), rateLimit);
        log.route(route);
    }

    /** Sends the status and headers; {@code routeHeaders} without the attempt count, unknown until the end. */
    void start(Map<String, String> routeHeaders, RateLimitStatus rateLimit) {
        if (started) {
            return;
        }
        started = true;
        response.setStatus(200);
        response.setContentType("text/event-stream; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        routeHeaders.forEach((k, v) -> {
            if (!k.equals("x-router-attempts")) {
                response.setHeader(k, v);
            }
        });
        OutcomeMapping.rateLimitHeaders(rateLimit).forEach(response::setHeader);
        try {
            out = response.getOutputStream();
            response.flushBuffer();
        } catch (IOException | RuntimeException e) {
            gone = true;
        }
    }

    @Override
    public boolean onChunk(StreamChunk chunk) {
        if (gone || !started) {
            return !gone;
        }
        if (chunk.event() != null) {
            if (responseId == null && chunk.event().equals("response.created")) {
                responseId = OutcomeMapping.responseId(chunk.data());
            }
            if (!eventLine(chunk.event())) {
                return false;
            }
        }
        return frame(chunk.data());
    }

    /** The id of the response the stream created, once its {@code response.created} event went out; else null. */
    String responseId() {
        return responseId;
    }

    private boolean eventLine(String event) {
        try {
            out.write(EVENT);
            out.write(RouterHeaders.printable(event).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            return true;
        } catch (IOException | RuntimeException e) {
            gone = true;
            return false;
        }
    }

    boolean started() {
        return started;
    }

    boolean callerGone() {
        return gone;
    }

    /** The normal end: {@code [DONE]}, or nothing more for a Responses stream (its last event said it all). */
    void done() {
        if (!responses) {
            write(DONE);
        }
    }

    /** The end of a stream that broke off: an error event, then no {@code [DONE]}. */
    void error(byte[] errorJson) {
        if (responses) {
            if (eventLine("error")) {
                frame(OutcomeMapping.responsesErrorEvent(errorJson));
            }
            return;
        }
        frame(errorJson);
    }

    /**
     * One event. A payload holding line breaks (pretty-printed JSON) becomes several {@code data:} lines,
     * which SSE joins back with newlines, so the frame can never end early.
     */
    private boolean frame(byte[] payload) {
        if (gone) {
            return false;
        }
        try {
            int from = 0;
            for (int i = 0; i < payload.length; i++) {
                byte b = payload[i];
                if (b == '\n' || b == '\r') {
                    out.write(DATA);
                    out.write(payload, from, i - from);
                    out.write('\n');
                    if (b == '\r' && i + 1 < payload.length && payload[i + 1] == '\n') {
                        i++;
                    }
                    from = i + 1;
                }
            }
            out.write(DATA);
            out.write(payload, from, payload.length - from);
            out.write(END);
            out.flush();
            return true;
        } catch (IOException | RuntimeException e) {
            gone = true;
            return false;
        }
    }

    private void write(byte[] bytes) {
        if (gone) {
            return;
        }
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException | RuntimeException e) {
            gone = true;
        }
    }
}

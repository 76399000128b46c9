package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.chat.EndpointException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps everything that can go wrong in one call into the shared {@link Failure} taxonomy
 * (Requirement 2.5). Retryability is not decided here: it follows from the {@link FailureKind}.
 *
 * <p>HTTP answers: the Azure error code in the body wins over the status where it is more specific
 * ({@code content_filter}, {@code context_length_exceeded}); otherwise the status decides. The body
 * is kept as it was, content-filter results included.
 *
 * <p>Transport faults: the SDK and its HTTP client (OkHttp by default; the JDK client or Netty when
 * given) surface them as {@code UncheckedIOException}, Reactor or Netty exceptions, often wrapped;
 * the whole cause chain is searched, most specific class first (timeout, connect, body cut short,
 * malformed framing, reset).
 */
final class FailureClassifier {

    static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");
    static final HttpHeaderName X_MS_RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");

    private static final Pattern PARTIAL_LINE = Pattern.compile("not found: limit=(\\d+)");

    private final InstantSource clock;

    FailureClassifier(InstantSource clock) {
        this.clock = clock;
    }

    /** A non-2xx answer. */
    Failure ofResponse(int status, HttpHeaders headers, byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        String code = "";
        String message = "";
        String innerCode = "";
        try {
            Map<String, Object> root = Json.object(Json.parse(body));
            Map<String, Object> error = Json.object(root.get("error"));
            if (!error.isEmpty()) {
                code = Json.string(error.get("code"));
                message = Json.string(error.get("message"));
                innerCode = Json.string(Json.object(error.get("innererror")).get("code"));
            } else {
                code = Json.string(root.get("code"));
                message = Json.string(root.get("message"));
            }
        } catch (RuntimeException notJson) {
            message = text.length() > 500 ? text.substring(0, 500) : text;
        }
        FailureKind kind;
        String lower = code.toLowerCase(Locale.ROOT);
        if (lower.equals("content_filter") || innerCode.equals("ResponsibleAIPolicyViolation")) {
            kind = FailureKind.CONTENT_FILTERED;
        } else if (lower.equals("context_length_exceeded")) {
            kind = FailureKind.CONTEXT_LENGTH_EXCEEDED;
        } else {
            kind = FailureKind.ofStatus(status);
        }
        if (message.isEmpty()) {
            message = "HTTP " + status;
        }
        return new Failure(kind, status, code, message, retryAfter(headers), text);
    }

    /**
     * An error event inside a stream that had already answered 200: the body's code decides the kind
     * where it is specific (content filter), otherwise it is a server failure.
     */
    Failure ofStreamError(byte[] event) {
        Failure f = ofResponse(500, null, event);
        FailureKind kind = f.kind() == FailureKind.CONTENT_FILTERED || f.kind() == FailureKind.CONTEXT_LENGTH_EXCEEDED
                ? f.kind() : FailureKind.SERVER_ERROR;
        return new Failure(kind, 0, f.code(), f.message(), Optional.empty(), f.body());
    }

    /**
     * The delay the deployment asked for: {@code retry-after-ms}, then {@code x-ms-retry-after-ms}
     * (milliseconds), then {@code Retry-After} (seconds, or an HTTP date measured against the clock).
     */
    Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        for (HttpHeaderName name : new HttpHeaderName[] {RETRY_AFTER_MS, X_MS_RETRY_AFTER_MS}) {
            String v = headers.getValue(name);
            if (v != null) {
                try {
                    double ms = Double.parseDouble(v.strip());
                    if (ms >= 0 && !Double.isInfinite(ms)) {
                        return Optional.of(Duration.ofNanos((long) Math.ceil(ms * 1_000_000)));
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to the next header
                }
            }
        }
        String v = headers.getValue(HttpHeaderName.RETRY_AFTER);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        v = v.strip();
        try {
            double seconds = Double.parseDouble(v);
            if (seconds >= 0 && !Double.isInfinite(seconds)) {
                return Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
            }
            return Optional.empty();
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    /** A failure that produced no HTTP answer (or broke one mid-way). */
    Failure ofThrowable(Throwable thrown) {
        Set<Throwable> chain = chain(thrown);
        for (Throwable t : chain) {
            if (t instanceof EndpointException e) {
                return e.failure();
            }
        }
        Optional<Throwable> hit;
        if ((hit = find(chain, t -> t instanceof java.net.http.HttpConnectTimeoutException)).isPresent()) {
            return Failure.transport(FailureKind.CONNECT_FAILED, describe(hit.get()));
        }
        if ((hit = find(chain, FailureClassifier::isTimeout)).isPresent()) {
            return Failure.transport(FailureKind.TIMEOUT, describe(hit.get()));
        }
        if ((hit = find(chain, FailureClassifier::isConnect)).isPresent()) {
            return Failure.transport(FailureKind.CONNECT_FAILED, describe(hit.get()));
        }
        if ((hit = find(chain, FailureClassifier::isCutBody)).isPresent()) {
            return Failure.transport(FailureKind.CONNECTION_RESET, describe(hit.get()));
        }
        if ((hit = find(chain, FailureClassifier::isMalformed)).isPresent()) {
            return Failure.transport(FailureKind.MALFORMED_RESPONSE, describe(hit.get()));
        }
        if ((hit = find(chain, FailureClassifier::isReset)).isPresent()) {
            return Failure.transport(FailureKind.CONNECTION_RESET, describe(hit.get()));
        }
        // Anything else broke the exchange in a way we cannot name: the answer was not a valid one.
        return Failure.transport(FailureKind.MALFORMED_RESPONSE, describe(thrown));
    }

    private static boolean isTimeout(Throwable t) {
        String n = t.getClass().getName();
        return t instanceof java.util.concurrent.TimeoutException || t instanceof SocketTimeoutException
                || t instanceof java.net.http.HttpTimeoutException
                || n.equals("io.netty.handler.timeout.ReadTimeoutException")
                || n.equals("io.netty.handler.timeout.WriteTimeoutException")
                || n.equals("io.netty.handler.timeout.TimeoutException")
                || n.equals("io.netty.channel.ConnectTimeoutException");
    }

    private static boolean isConnect(Throwable t) {
        return t instanceof ConnectException || t instanceof UnknownHostException
                || t instanceof NoRouteToHostException || t instanceof javax.net.ssl.SSLException;
    }

    /**
     * A body that ended before its length or last chunk: the connection closed mid-answer. OkHttp
     * reports it as a {@code ProtocolException} ("unexpected end of stream"), the JDK client as a plain
     * {@code IOException}; both are a cut connection, not a malformed answer.
     */
    private static boolean isCutBody(Throwable t) {
        return t instanceof java.net.ProtocolException && t.getMessage() != null
                && t.getMessage().startsWith("unexpected end of stream");
    }

    private static boolean isMalformed(Throwable t) {
        String n = t.getClass().getName();
        if (t instanceof MalformedStreamException || t instanceof java.net.ProtocolException
                || n.endsWith("DecoderException") || n.endsWith("TooLongFrameException")) {
            return true;
        }
        if (t instanceof java.io.EOFException && t.getMessage() != null) {
            // OkHttp (Okio) when the connection closed before a complete status or header line:
            // "\n not found: limit=N content=...". N > 0: bytes came that are no HTTP answer
            // (malformed); N = 0: nothing came, which is a closed connection (left to isReset).
            Matcher m = PARTIAL_LINE.matcher(t.getMessage());
            if (m.find()) {
                return !m.group(1).equals("0");
            }
        }
        // The JDK client reports HTTP framing errors as plain IOExceptions; only the message tells.
        String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        return t instanceof IOException && (m.contains("chunk size") || m.contains("chunk header")
                || m.contains("status line") || m.contains("bad header") || m.contains("invalid header")
                || m.contains("invalid content-length"));
    }

    private static boolean isReset(Throwable t) {
        String n = t.getClass().getName();
        return t instanceof IOException || t instanceof java.io.UncheckedIOException
                || n.endsWith("PrematureCloseException") || n.endsWith("AbortedException");
    }

    private static Optional<Throwable> find(Set<Throwable> chain, Predicate<Throwable> p) {
        return chain.stream().filter(p).findFirst();
    }

    private static Set<Throwable> chain(Throwable thrown) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>();
        todo.add(reactor.core.Exceptions.unwrap(thrown));
        java.util.LinkedHashSet<Throwable> ordered = new java.util.LinkedHashSet<>();
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (t == null || !seen.add(t)) {
                continue;
            }
            ordered.add(t);
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            for (Throwable s : t.getSuppressed()) {
                todo.add(s);
            }
        }
        return ordered;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Raised by the stream reader for SSE framing or JSON it cannot read. */
    static final class MalformedStreamException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedStreamException(String message) {
            super(message, null, false, false);
        }
    }
}

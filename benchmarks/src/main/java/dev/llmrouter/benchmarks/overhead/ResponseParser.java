package dev.llmrouter.benchmarks.overhead;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Just enough of an HTTP/1.1 response parser for the load generator: the status line, the framing
 * headers ({@code Content-Length}, {@code Transfer-Encoding: chunked}, {@code Connection: close}) and
 * the end of the body, plus, for event streams, the first SSE {@code data:} line of the body.
 *
 * <p>It is incremental: {@link #feed} takes whatever bytes a read returned, keeps its state between
 * reads, and stops at the end of the response (so a keep-alive connection can carry the next one).
 * Header values and body bytes are never copied, except the first 8 KB of a header line (only the
 * three framing headers are looked at, and their values are short).
 *
 * <p>Bodies are framed as RFC 9112 section 6.3 says: none for 1xx, 204 and 304; chunked when
 * {@code Transfer-Encoding} names {@code chunked}; else {@code Content-Length}; else until the server
 * closes the connection. A 1xx answer is skipped and the parser waits for the final one.
 *
 * <p>For streams the body (after de-chunking) is scanned line by line: the first line starting with
 * {@code data:} is the first frame; it counts as an error frame when it contains {@code "error"} (the
 * gateway reports a failure inside an open stream that way).
 */
final class ResponseParser {

    private static final int STATUS = 0;
    private static final int HEADERS = 1;
    private static final int BODY_LENGTH = 2;
    private static final int CHUNK_SIZE = 3;
    private static final int CHUNK_DATA = 4;
    private static final int CHUNK_DATA_END = 5;
    private static final int TRAILERS = 6;
    private static final int BODY_UNTIL_CLOSE = 7;
    private static final int DONE = 8;

    /** Header lines are kept up to this length; the framing headers are far shorter. */
    private static final int MAX_LINE = 8192;
    private static final byte[] DATA = {'d', 'a', 't', 'a', ':'};
    private static final byte[] ERROR = {'"', 'e', 'r', 'r', 'o', 'r', '"'};

    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private int state;
    private int status;
    private boolean http10;
    private boolean close;
    private boolean chunked;
    private long contentLength;
    private long remaining;
    private long bodyBytes;

    private boolean scanEvents;
    private int bodyLinePosition;
    private boolean inDataLine;
    private int errorMatch;
    private boolean firstFrame;
    private boolean firstFrameError;

    /** Starts a new response; {@code events} scans its body for the first SSE data frame. */
    void reset(boolean events) {
        lineLength = 0;
        state = STATUS;
        status = 0;
        http10 = false;
        close = false;
        chunked = false;
        contentLength = -1;
        remaining = 0;
        bodyBytes = 0;
        scanEvents = events;
        bodyLinePosition = 0;
        inDataLine = false;
        errorMatch = 0;
        firstFrame = false;
        firstFrameError = false;
    }

    /**
     * Consumes bytes of {@code in} up to the end of the response.
     *
     * @return true when the response is complete (bytes after it are left in {@code in})
     * @throws IOException when the bytes are not an HTTP/1.1 response
     */
    boolean feed(ByteBuffer in) throws IOException {
        while (in.hasRemaining() && state != DONE) {
            switch (state) {
                case STATUS, HEADERS, CHUNK_SIZE, TRAILERS -> {
                    if (readLine(in)) {
                        onLine();
                    }
                }
                case BODY_LENGTH -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    body(in, n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = DONE;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    body(in, n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = CHUNK_DATA_END;
                        lineLength = 0;
                    }
                }
                case CHUNK_DATA_END -> {
                    if (readLine(in)) {
                        if (lineLength != 0) {
                            throw new IOException("chunk not followed by CRLF");
                        }
                        state = CHUNK_SIZE;
                    }
                }
                case BODY_UNTIL_CLOSE -> body(in, in.remaining());
                default -> throw new IllegalStateException("state " + state);
            }
        }
        return state == DONE;
    }

    /**
     * The server closed the connection: true when that ends the response (a body delimited by the
     * close), false when the response was cut short.
     */
    boolean endOfInput() {
        if (state == BODY_UNTIL_CLOSE) {
            state = DONE;
            close = true;
            return true;
        }
        return state == DONE;
    }

    boolean complete() {
        return state == DONE;
    }

    /** Whether any byte of a response arrived. */
    boolean started() {
        return state != STATUS || lineLength > 0;
    }

    int status() {
        return status;
    }

    /** Whether the connection may carry another request after this response. */
    boolean keepAlive() {
        return state == DONE && !close && !http10;
    }

    boolean firstFrame() {
        return firstFrame;
    }

    boolean firstFrameError() {
        return firstFrameError;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    /** Reads up to LF; true when a whole line is in {@link #line} (CR dropped). */
    private boolean readLine(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                if (lineLength > 0 && lineLength <= MAX_LINE && line[Math.min(lineLength, MAX_LINE) - 1] == '\r') {
                    lineLength--;
                }
                return true;
            }
            if (lineLength < MAX_LINE) {
                line[lineLength] = b;
            }
            lineLength++;
        }
        return false;
    }

    private void onLine() throws IOException {
        int length = Math.min(lineLength, MAX_LINE);
        lineLength = 0;
        switch (state) {
            case STATUS -> {
                // "HTTP/1.1 200 OK"
                if (length < 12 || !startsWith(line, "HTTP/1.") || line[8] != ' ') {
                    throw new IOException("not an HTTP/1.x status line: " + new String(line, 0, length,
                            java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                http10 = line[7] == '0';
                status = digit(line[9]) * 100 + digit(line[10]) * 10 + digit(line[11]);
                state = HEADERS;
            }
            case HEADERS -> {
                if (length == 0) {
                    endOfHeaders();
                } else {
                    header(length);
                }
            }
            case CHUNK_SIZE -> {
                long size = 0;
                int digits = 0;
                for (int i = 0; i < length; i++) {
                    int d = Character.digit(line[i], 16);
                    if (d < 0) {
                        break;
                    }
                    size = size * 16 + d;
                    digits++;
                    if (digits > 15) {
                        throw new IOException("chunk size too large");
                    }
                }
                if (digits == 0) {
                    throw new IOException("bad chunk size line");
                }
                if (size == 0) {
                    state = TRAILERS;
                } else {
                    remaining = size;
                    state = CHUNK_DATA;
                }
            }
            case TRAILERS -> {
                if (length == 0) {
                    state = DONE;
                }
            }
            default -> throw new IllegalStateException("state " + state);
        }
    }

    private void header(int length) {
        int colon = -1;
        for (int i = 0; i < length; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return;
        }
        if (nameIs("content-length", colon)) {
            long v = 0;
            for (int i = colon + 1; i < length; i++) {
                byte b = line[i];
                if (b >= '0' && b <= '9') {
                    v = v * 10 + (b - '0');
                }
            }
            contentLength = v;
        } else if (nameIs("transfer-encoding", colon)) {
            chunked = valueContains("chunked", colon + 1, length);
        } else if (nameIs("connection", colon)) {
            close = valueContains("close", colon + 1, length);
        }
    }

    private void endOfHeaders() {
        if (status / 100 == 1) {
            // 100 Continue and friends: the real answer follows
            reset(scanEvents);
            return;
        }
        if (status == 204 || status == 304) {
            state = DONE;
        } else if (chunked) {
            state = CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = contentLength == 0 ? DONE : BODY_LENGTH;
        } else {
            state = BODY_UNTIL_CLOSE;
        }
    }

    /** Body bytes: counted, and for event streams scanned for the first data line. */
    private void body(ByteBuffer in, int n) {
        bodyBytes += n;
        if (!scanEvents || firstFrame) {
            in.position(in.position() + n);
            return;
        }
        for (int i = 0; i < n; i++) {
            byte b = in.get();
            if (b == '\n') {
                if (inDataLine) {
                    firstFrame = true;
                    in.position(in.position() + (n - i - 1));
                    return;
                }
                bodyLinePosition = 0;
                continue;
            }
            if (inDataLine) {
                // a streaming match of "error": its only border is the quote, so on a mismatch the
                // match restarts at 1 when the byte is a quote, else at 0
                if (b == ERROR[errorMatch]) {
                    if (++errorMatch == ERROR.length) {
                        firstFrameError = true;
                        errorMatch = 0;
                    }
                } else {
                    errorMatch = b == '"' ? 1 : 0;
                }
            } else if (bodyLinePosition >= 0) {
                if (bodyLinePosition < DATA.length && b == DATA[bodyLinePosition]) {
                    if (++bodyLinePosition == DATA.length) {
                        inDataLine = true;
                    }
                } else if (b != '\r') {
                    bodyLinePosition = -1; // not a data line; skip to its end
                }
            }
        }
    }

    private boolean nameIs(String name, int colon) {
        int end = colon;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        if (end != name.length()) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            if (Character.toLowerCase((char) line[i]) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean valueContains(String token, int from, int to) {
        outer:
        for (int i = from; i + token.length() <= to; i++) {
            for (int j = 0; j < token.length(); j++) {
                if (Character.toLowerCase((char) line[i + j]) != token.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int digit(byte b) throws IOException {
        if (b < '0' || b > '9') {
            throw new IOException("bad status code");
        }
        return b - '0';
    }
}

package dev.llmrouter.app.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A raw HTTP/1.1 client on one socket, for tests that must control when each byte of a request goes out:
 * headers and part of a body now, the rest slowly or never.
 */
final class RawHttp implements AutoCloseable {

    /** An answer as it came off the wire. */
    record Answer(int status, String head, String body, long nanosAfterLastByteSent) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private long lastSentNanos = System.nanoTime();

    RawHttp(int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(20_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request line and headers of a chat call with {@code key}, then {@code framing} (e.g. {@code Content-Length: 100}). */
    static String chatHead(String key, String framing) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n";
    }

    /** The socket, for a test that drives it itself. */
    Socket socket() {
        return socket;
    }

    RawHttp send(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            lastSentNanos = System.nanoTime();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code body} one byte at a time, each after {@code everyMillis} without an answer (a blocking
     * read that times out is the wait), until the server answers or the body is out.
     *
     * @return the bytes sent
     */
    int drip(byte[] body, int everyMillis) {
        int sent = 0;
        try {
            socket.setSoTimeout(everyMillis);
            while (sent < body.length) {
                try {
                    out.write(body[sent]);
                    out.flush();
                } catch (IOException serverClosed) {
                    break;
                }
                lastSentNanos = System.nanoTime();
                sent++;
                if (answerStarted()) {
                    break;
                }
            }
            return sent;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout(20_000);
            } catch (IOException ignored) {
                // the read below reports a dead socket
            }
        }
    }

    private final ByteArrayOutputStream early = new ByteArrayOutputStream();

    private boolean answerStarted() throws IOException {
        try {
            int b = in.read();
            if (b < 0) {
                return true;
            }
            early.write(b);
            return true;
        } catch (SocketTimeoutException notYet) {
            return false;
        }
    }

    /** Reads one answer: status line, headers and a body framed by Content-Length. */
    Answer answer() {
        try {
            return read(in, early.toByteArray(), lastSentNanos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one answer from {@code in}, of any socket. */
    static Answer read(InputStream in) throws IOException {
        return read(in, new byte[0], System.nanoTime());
    }

    private static Answer read(InputStream in, byte[] early, long lastSentNanos) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(early);
        while (!endsWithBlankLine(head)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the headers ended: " + head);
            }
            head.write(b);
        }
        long after = System.nanoTime() - lastSentNanos;
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(headText.substring(9, 12));
        int length = 0;
        for (String line : headText.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new Answer(status, headText, new String(body, StandardCharsets.UTF_8), after);
    }

    /** Whether the server has closed the connection (end of input within 20 s). */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean endsWithBlankLine(ByteArrayOutputStream b) {
        byte[] a = b.toByteArray();
        int n = a.length;
        return n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n';
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}

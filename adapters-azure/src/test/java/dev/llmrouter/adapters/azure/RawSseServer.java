package dev.llmrouter.adapters.azure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * A one-connection HTTP server on a raw socket, for what WireMock cannot do: send part of an SSE body
 * and then reset the connection, or notice that the client hung up mid-stream.
 */
final class RawSseServer implements AutoCloseable {

    enum Then { RESET, WAIT_FOR_CLIENT_CLOSE }

    private final ServerSocket server;
    private final Thread thread;
    final CountDownLatch clientClosed = new CountDownLatch(1);
    /** For {@link Then#RESET}: the connection is reset once the test counts this down. */
    final CountDownLatch reset = new CountDownLatch(1);

    RawSseServer(String events, Then then) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(events, then), "raw-sse");
        thread.setDaemon(true);
        thread.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void serve(String events, Then then) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            readRequest(in);
            OutputStream out = s.getOutputStream();
            byte[] body = events.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (then == Then.RESET) {
                reset.await();
                s.setSoLinger(true, 0); // close with RST: the client sees a reset mid-body
                return;
            }
            while (in.read() >= 0) {
                // wait until the client closes its side
            }
            clientClosed.countDown();
        } catch (IOException e) {
            clientClosed.countDown(); // a reset from the client is a close too
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int contentLength = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.write(b);
            String h = head.toString(StandardCharsets.US_ASCII);
            if (h.endsWith("\r\n\r\n")) {
                for (String line : h.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).strip());
                    }
                }
                break;
            }
        }
        in.readNBytes(contentLength);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.3: {@code server.max-connections} bounds the connections open at once. With a bound of
 * two, two idle sockets fill it: a third connection is not served (it waits in the accept queue) until one
 * of them closes, and is then served normally.
 */
@DisplayName("Requirement 9.3: the gateway holds at most server.max-connections connections")
class ConnectionLimitTest {

    @Test
    void a_connection_over_the_bound_waits_until_one_closes() throws Exception {
        var config = GatewayTest.embedded();
        config = config.withServer(config.server().withPort(0).withMaxConnections(2));
        try (Gateway gateway = Gateway.build(config, GatewayTest.testOptions()).start();
                Socket first = connect(gateway);
                Socket second = connect(gateway);
                Socket third = connect(gateway)) {
            // the two first connections are served
            assertThat(live(first)).startsWith("HTTP/1.1 200");
            assertThat(live(second)).startsWith("HTTP/1.1 200");

            // the third is not, while both stay open
            send(third);
            third.setSoTimeout(500);
            assertThatThrownBy(() -> third.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            // once one closes, it is
            first.close();
            third.setSoTimeout(10_000);
            assertThat(statusLine(third.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    private static Socket connect(Gateway gateway) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String live(Socket socket) throws IOException {
        send(socket);
        return statusLine(socket.getInputStream());
    }

    private static void send(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().trim();
    }
}

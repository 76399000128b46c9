package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture the several-replicas scenarios stand on fails the way they need: PostgreSQL stopped and
 * started keeps what it committed; Redis killed refuses connections, and started again holds nothing.
 */
@DisplayName("SharedStores: PostgreSQL keeps its data across a stop, Redis loses it across a kill")
class SharedStoresTest {

    @TempDir
    Path dir;

    @Test
    void postgres_keeps_committed_rows_across_a_stop_and_redis_comes_back_empty_after_a_kill() throws Exception {
        try (SharedStores stores = SharedStores.start(dir)) {
            try (Connection c = stores.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE kept (v INT)");
                st.execute("INSERT INTO kept VALUES (42)");
            }
            stores.stopPostgres();
            assertThatThrownBy(stores::connect).isInstanceOf(java.sql.SQLException.class);
            stores.startPostgres();
            try (Connection c = stores.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }

            assertThat(redis(stores, "SET month 7")).isEqualTo("+OK");
            assertThat(redis(stores, "GET month")).isEqualTo("$1");
            stores.killRedis();
            assertThatThrownBy(() -> redis(stores, "PING")).isInstanceOf(IOException.class);
            stores.startRedis();
            assertThat(redis(stores, "GET month")).as("nothing persisted").isEqualTo("$-1");
        }
    }

    /** One inline command over a plain socket; the first line of the answer. */
    private static String redis(SharedStores stores, String command) throws IOException {
        try (Socket s = new Socket("127.0.0.1", stores.redisPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}

package dev.llmrouter.chaos;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import redis.embedded.RedisServer;

/**
 * The stores several replicas share: one real PostgreSQL 17 (the ledger) and one real Redis 6.2 (quota
 * and rate limits), each a server process started by the test on a free loopback port, each able to
 * fail under load the way a production server does and come back:
 * <ul>
 *   <li>PostgreSQL {@linkplain #stopPostgres() stops} (a fast shutdown: connections are cut) and
 *       {@linkplain #startPostgres() starts again} on the same port over the same data directory, so
 *       what it had committed is still there;</li>
 *   <li>Redis is {@linkplain #killRedis() killed with SIGKILL} and {@linkplain #startRedis() started
 *       again} on the same port <em>empty</em>: it runs without persistence ({@code save ""},
 *       {@code appendonly no}), the case where the month must be rebuilt from the ledger
 *       (Requirement 7.4).</li>
 * </ul>
 */
final class SharedStores implements AutoCloseable {

    static final String PG_USER = "postgres";
    static final String PG_PASSWORD = "postgres";
    static final String DATABASE = "postgres";

    private final Path pgData;
    private final int pgPort;
    private final int redisPort;
    private EmbeddedPostgres postgres;
    private RedisServer redis;
    private ProcessHandle redisProcess;

    private SharedStores(Path dir) {
        this.pgData = dir.resolve("pgdata");
        this.pgPort = GatewayProcess.freePort();
        this.redisPort = GatewayProcess.freePort();
    }

    static SharedStores start(Path dir) {
        SharedStores s = new SharedStores(dir);
        s.startPostgres();
        s.startRedis();
        return s;
    }

    // ---- PostgreSQL ---------------------------------------------------------------------------------

    void startPostgres() {
        try {
            Files.createDirectories(pgData);
            postgres = EmbeddedPostgres.builder()
                    .setPort(pgPort)
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(true)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "on")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL", e);
        }
    }

    /** A fast shutdown ({@code pg_ctl stop -m fast}): open connections are cut, committed data stays. */
    void stopPostgres() {
        try {
            postgres.close();
            postgres = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL", e);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + DATABASE;
    }

    /** A plain JDBC connection for the checks; the gateways never see it. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), PG_USER, PG_PASSWORD);
    }

    // ---- Redis --------------------------------------------------------------------------------------

    void startRedis() {
        try {
            redis = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(redisPort)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("maxmemory 128mb")
                    .build();
            java.util.Set<Long> before = redisChildren().map(ProcessHandle::pid).collect(java.util.stream.Collectors.toSet());
            redis.start();
            redisProcess = redisChildren().filter(p -> !before.contains(p.pid())).findFirst()
                    .orElseThrow(() -> new AssertionError("the started redis-server is not a child of this JVM"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Redis", e);
        }
    }

    /**
     * SIGKILL to the Redis server: every key it held is gone (it persists nothing), every client's
     * connection breaks at once.
     */
    void killRedis() {
        ProcessHandle handle = redisProcess;
        handle.destroyForcibly();
        handle.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        try {
            redis.stop(); // the library's bookkeeping; the process is already gone
        } catch (IOException | RuntimeException alreadyGone) {
            // expected: nothing left to stop
        }
    }

    private static java.util.stream.Stream<ProcessHandle> redisChildren() {
        return ProcessHandle.current().children().filter(p -> p.info().command().orElse("").contains("redis-server"));
    }

    String redisUrl() {
        return "redis://127.0.0.1:" + redisPort;
    }

    int redisPort() {
        return redisPort;
    }

    @Override
    public void close() {
        for (AutoCloseable c : List.<AutoCloseable>of(() -> {
            if (redis != null && redis.isActive()) {
                redis.stop();
            }
        }, () -> {
            if (postgres != null) {
                postgres.close();
            }
        })) {
            try {
                c.close();
            } catch (Exception e) {
                // closing the other matters more
            }
        }
    }
}

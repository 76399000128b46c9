package dev.llmrouter.app.config;

import dev.llmrouter.app.http.BodyReadLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP server's settings, the {@code server:} section of the configuration.
 *
 * <p>Three of them keep a slow or greedy client from holding what others need (Requirement 9.3): a
 * request body must arrive within {@code bodyReadTimeout} plus one second for every
 * {@code bodyMinBytesPerSecond} bytes received so far (a stalled or trickling body gets 408, a large
 * body on a reasonable link still arrives); and at most {@code maxConnections} connections are open at
 * once (beyond it new connections wait in the operating system's accept queue). The third bound, on an
 * account's requests in progress, is a plan setting ({@code max-concurrent-requests}).
 *
 * @param port                  the HTTP port (0 picks a free one)
 * @param maxBodyBytes          the largest request body accepted
 * @param shutdownGrace         how long in-flight requests may run on after a stop was asked for
 * @param bodyReadTimeout       the time any request body may take, before the minimum rate extends it
 * @param bodyMinBytesPerSecond each this many bytes received extend the body's deadline by one second
 * @param maxConnections        the most connections open at once
 */
public record ServerSettings(int port, long maxBodyBytes, Duration shutdownGrace, Duration bodyReadTimeout,
        long bodyMinBytesPerSecond, int maxConnections) {

    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
    /** 10 s: ample for any body a client has ready to send; a caller dripping bytes holds its thread no longer. */
    public static final Duration DEFAULT_BODY_READ_TIMEOUT = BodyReadLimits.DEFAULT.timeout();
    /** 64 KiB/s: a 20 MiB body may take about 5 minutes on a slow link, a trickle of bytes cannot. */
    public static final long DEFAULT_BODY_MIN_BYTES_PER_SECOND = BodyReadLimits.DEFAULT.minBytesPerSecond();
    /**
     * Above the 1,000 concurrent streams the gateway is built to hold, with room for the keep-alive
     * pools of its callers, and well within a process's usual file-descriptor limits.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 4_096;

    public ServerSettings {
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(bodyReadTimeout, "bodyReadTimeout");
        // The bounds of each setting are stated once, on ConfigFile.ServerEntry, where the file is checked.
    }

    /** The defaults, on {@code port}, with {@code maxBodyBytes}. */
    public static ServerSettings defaults(int port, long maxBodyBytes) {
        return new ServerSettings(port, maxBodyBytes, DEFAULT_SHUTDOWN_GRACE, DEFAULT_BODY_READ_TIMEOUT,
                DEFAULT_BODY_MIN_BYTES_PER_SECOND, DEFAULT_MAX_CONNECTIONS);
    }

    /** What the HTTP layer enforces on request bodies. */
    public BodyReadLimits bodyRead() {
        return new BodyReadLimits(bodyReadTimeout, bodyMinBytesPerSecond);
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(newPort, maxBodyBytes, shutdownGrace, bodyReadTimeout, bodyMinBytesPerSecond,
                maxConnections);
    }

    public ServerSettings withShutdownGrace(Duration grace) {
        return new ServerSettings(port, maxBodyBytes, grace, bodyReadTimeout, bodyMinBytesPerSecond, maxConnections);
    }

    public ServerSettings withBodyRead(Duration timeout, long minBytesPerSecond) {
        return new ServerSettings(port, maxBodyBytes, shutdownGrace, timeout, minBytesPerSecond, maxConnections);
    }

    public ServerSettings withMaxConnections(int max) {
        return new ServerSettings(port, maxBodyBytes, shutdownGrace, bodyReadTimeout, bodyMinBytesPerSecond, max);
    }
}

package dev.llmrouter.app.config;

import java.time.Duration;
import java.util.Objects;

/**
 * @param port          the HTTP port (0 picks a free one)
 * @param maxBodyBytes  the largest request body accepted
 * @param shutdownGrace how long in-flight requests may run on after a stop was asked for
 */
public record ServerSettings(int port, long maxBodyBytes, Duration shutdownGrace) {

    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    public ServerSettings {
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(newPort, maxBodyBytes, shutdownGrace);
    }
}

package dev.llmrouter.adapters.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the shared stores' Redis is and how long a command may take.
 *
 * @param uri            a Redis URI ({@code redis://host:6379}, {@code rediss://user:password@host:6380/0});
 *                       never logged, it may hold a password
 * @param commandTimeout the longest a command (one script) may take before the store answers
 *                       unavailable; a request waits at most this long on Redis per store call
 * @param connectTimeout the longest a (re)connection attempt may take
 */
public record RedisSettings(String uri, Duration commandTimeout, Duration connectTimeout) {

    /** 250 ms per command: far above a loopback or same-zone round trip, far below a request's deadline. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

    public RedisSettings {
        Objects.requireNonNull(uri, "uri");
        positive(commandTimeout, "commandTimeout");
        positive(connectTimeout, "connectTimeout");
    }

    /** {@code uri} with the default timeouts. */
    public static RedisSettings of(String uri) {
        return new RedisSettings(uri, DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
    }

    public RedisSettings withCommandTimeout(Duration timeout) {
        return new RedisSettings(uri, timeout, connectTimeout);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    @Override
    public String toString() {
        return "RedisSettings[commandTimeout=" + commandTimeout + ", connectTimeout=" + connectTimeout + "]";
    }
}

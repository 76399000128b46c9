package dev.llmrouter.adapters.redis;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Whose clock the scripts read for leases and rolling minutes.
 *
 * <p>{@link #server()}, the production choice: every script reads Redis's {@code TIME}, so all
 * replicas stamp admissions and leases on one clock and a replica whose clock runs ahead cannot
 * expire another's admissions early (with callers' clocks, the rolling-minute guarantee would hold
 * only up to the replicas' skew). {@link #caller(InstantSource)} passes the caller's time instead:
 * for tests that move a fake clock by hand, and for a single process.
 *
 * <p>Times travel as epoch <em>microseconds</em>: Lua's numbers are doubles, exact to 2^53, which
 * holds epoch microseconds for the next two centuries but not epoch nanoseconds.
 */
public final class RedisClock {

    private static final RedisClock SERVER = new RedisClock(null);

    private final InstantSource source;

    private RedisClock(InstantSource source) {
        this.source = source;
    }

    /** Redis's {@code TIME}: one clock for every replica. */
    public static RedisClock server() {
        return SERVER;
    }

    /** The caller's clock, passed with every script call. */
    public static RedisClock caller(InstantSource source) {
        return new RedisClock(Objects.requireNonNull(source, "source"));
    }

    /** The script argument: the caller's epoch microseconds, or {@code -1} for the server's clock. */
    String scriptNow() {
        if (source == null) {
            return "-1";
        }
        Instant now = source.instant();
        return Long.toString(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
    }

    /** This process's idea of now, for key lifetimes only (never for a decision). */
    Instant approximately() {
        return source == null ? Instant.now() : source.instant();
    }
}

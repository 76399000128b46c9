package dev.llmrouter.domain.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * Both dimensions of an account's rolling minute at the moment of a decision (the HTTP layer writes
 * the {@code x-ratelimit-*} headers from the router's copy of these numbers).
 */
public record RateLimitStatus(WindowStatus requests, WindowStatus tokens) {

    public static final RateLimitStatus UNLIMITED = new RateLimitStatus(WindowStatus.UNLIMITED, WindowStatus.UNLIMITED);

    public RateLimitStatus {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(tokens, "tokens");
    }

    /** Milliseconds, rounded up (never early). */
    static long ceilMillis(Duration duration) {
        long nanos = duration.toNanos();
        return nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1);
    }
}

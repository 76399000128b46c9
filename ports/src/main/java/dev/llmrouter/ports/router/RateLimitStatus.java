package dev.llmrouter.ports.router;

import java.time.Duration;

/**
 * The caller's rate-limit position after this request, for the {@code x-ratelimit-*} headers. A
 * limit of 0 means that dimension is unlimited.
 */
public record RateLimitStatus(
        long limitRequests,
        long remainingRequests,
        Duration resetRequests,
        long limitTokens,
        long remainingTokens,
        Duration resetTokens) {

    public static final RateLimitStatus UNLIMITED = new RateLimitStatus(0, 0, Duration.ZERO, 0, 0, Duration.ZERO);
}

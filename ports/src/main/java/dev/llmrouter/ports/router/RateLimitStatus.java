package dev.llmrouter.ports.router;

import dev.llmrouter.domain.ratelimit.RateDimension;
import java.time.Duration;
import java.util.Optional;

/**
 * The caller's rate-limit position after this request, for the {@code x-ratelimit-*} headers. A
 * limit of 0 means that dimension is unlimited.
 *
 * @param refusedBy the limit that refused the request (requests or tokens per minute); empty when it
 *                  was admitted, so that a 429 can say which limit to wait for
 */
public record RateLimitStatus(
        long limitRequests,
        long remainingRequests,
        Duration resetRequests,
        long limitTokens,
        long remainingTokens,
        Duration resetTokens,
        Optional<RateDimension> refusedBy) {

    public static final RateLimitStatus UNLIMITED = new RateLimitStatus(0, 0, Duration.ZERO, 0, 0, Duration.ZERO);

    public RateLimitStatus {
        refusedBy = refusedBy == null ? Optional.empty() : refusedBy;
    }

    /** The position of an admitted request. */
    public RateLimitStatus(long limitRequests, long remainingRequests, Duration resetRequests,
            long limitTokens, long remainingTokens, Duration resetTokens) {
        this(limitRequests, remainingRequests, resetRequests, limitTokens, remainingTokens, resetTokens, Optional.empty());
    }

    /** This position, for a request the {@code dimension}'s limit refused. */
    public RateLimitStatus refusedBy(RateDimension dimension) {
        return new RateLimitStatus(limitRequests, remainingRequests, resetRequests, limitTokens, remainingTokens,
                resetTokens, Optional.of(dimension));
    }
}

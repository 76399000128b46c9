package dev.llmrouter.domain.plan;

/**
 * Per-account limits per minute. Zero means unlimited for that dimension.
 *
 * @param requestsPerMinute requests admitted per rolling minute
 * @param tokensPerMinute   tokens (estimated prompt + output cap) admitted per rolling minute
 */
public record RateLimits(long requestsPerMinute, long tokensPerMinute) {

    public static final RateLimits UNLIMITED = new RateLimits(0, 0);

    public RateLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits cannot be negative");
        }
    }

    public boolean limitsRequests() {
        return requestsPerMinute > 0;
    }

    public boolean limitsTokens() {
        return tokensPerMinute > 0;
    }
}

package dev.llmrouter.ports.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * What the router does when a store it admits with (the quota store, the rate limiter) cannot answer
 * (Requirement 7.5): fail closed (the request is refused as unavailable, with {@code Retry-After},
 * and nothing reaches a deployment) or fail open (the request goes on as if the store had admitted
 * it). Quotas fail closed by default: failing open would let spend pass the quota for as long as the
 * store is away. A rate limit may fail open: a minute's burst past it costs less than an outage.
 *
 * @param failOpen   admit when the store cannot answer
 * @param retryAfter the wait a closed refusal tells the caller (whole seconds on the wire)
 */
public record UnavailableStorePolicy(boolean failOpen, Duration retryAfter) {

    /** Refuse with {@code Retry-After: 1}: the default for both stores. */
    public static final UnavailableStorePolicy FAIL_CLOSED = failClosed(Duration.ofSeconds(1));

    /** Admit as if the store had. */
    public static final UnavailableStorePolicy FAIL_OPEN = new UnavailableStorePolicy(true, Duration.ZERO);

    public UnavailableStorePolicy {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter cannot be negative: " + retryAfter);
        }
    }

    public static UnavailableStorePolicy failClosed(Duration retryAfter) {
        return new UnavailableStorePolicy(false, retryAfter);
    }
}

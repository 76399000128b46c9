package dev.llmrouter.domain.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer of a rate limiter to one request: admitted, or not and exactly when to try again.
 *
 * <p>Every decision carries the {@link RateLimitStatus} after it (what the {@code x-ratelimit-*}
 * headers report). A request either consumes one request <em>and</em> its tokens, or nothing.
 */
public sealed interface RateDecision permits RateDecision.Allowed, RateDecision.Limited, RateDecision.TooLarge {

    RateLimitStatus status();

    default boolean isAllowed() {
        return this instanceof Allowed;
    }

    /** Admitted; the request and its tokens now count in the window. */
    record Allowed(RateLimitStatus status) implements RateDecision {
        public Allowed {
            Objects.requireNonNull(status, "status");
        }
    }

    /**
     * Refused for now; nothing was consumed. Retrying exactly {@code retryAfter} later (with nothing
     * else admitted meanwhile) is admitted; retrying any earlier is not.
     *
     * @param limitedBy  the dimension that is last to make room (if both are short, the one that
     *                   frees up later)
     * @param retryAfter exact wait, to the nanosecond; always positive
     */
    record Limited(RateDimension limitedBy, Duration retryAfter, RateLimitStatus status) implements RateDecision {
        public Limited {
            Objects.requireNonNull(limitedBy, "limitedBy");
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(status, "status");
            if (retryAfter.isNegative() || retryAfter.isZero()) {
                throw new IllegalArgumentException("retryAfter must be positive: " + retryAfter);
            }
        }

        /** For the HTTP {@code Retry-After} header: whole seconds, rounded up (never early). */
        public long retryAfterSeconds() {
            long nanos = retryAfter.toNanos();
            return nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1);
        }

        /** For the {@code retry-after-ms} header Azure and OpenAI clients read: milliseconds, rounded up. */
        public long retryAfterMillis() {
            return RateLimitStatus.ceilMillis(retryAfter);
        }
    }

    /**
     * Refused for good: the request alone is larger than the per-minute limit, so no wait would admit
     * it (the HTTP layer answers 429 without {@code Retry-After}, as OpenAI does for
     * "Request too large ... tokens per min"). Nothing was consumed.
     */
    record TooLarge(RateDimension dimension, long limit, long requested, RateLimitStatus status)
            implements RateDecision {
        public TooLarge {
            Objects.requireNonNull(dimension, "dimension");
            Objects.requireNonNull(status, "status");
        }
    }
}

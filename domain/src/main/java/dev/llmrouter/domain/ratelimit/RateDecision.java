package dev.llmrouter.domain.ratelimit;

import dev.llmrouter.domain.plan.RateLimits;
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

    /**
     * Admitted; the request and its tokens now count in the window.
     *
     * <p>A final class rather than a record so that admission, the hot path, allocates this one
     * small object: the limiter hands over the few numbers the status is made of, and the
     * {@link RateLimitStatus} (three more objects) is built only when someone reads it, e.g. to write
     * the {@code x-ratelimit-*} headers. The numbers are taken at the decision, so the status read
     * later is the status after this admission, as with an eager record. Equality, hash and text
     * are the status's, as a record's would be.
     */
    final class Allowed implements RateDecision {
        private final RateLimits limits;
        private final long requestsRemaining;
        private final long requestsResetNanos;
        private final long tokensRemaining;
        private final long tokensResetNanos;
        /** Built on first read; immutable, so a racing second build is harmless. */
        private RateLimitStatus status;

        public Allowed(RateLimitStatus status) {
            this.status = Objects.requireNonNull(status, "status");
            this.limits = null;
            this.requestsRemaining = 0;
            this.requestsResetNanos = 0;
            this.tokensRemaining = 0;
            this.tokensResetNanos = 0;
        }

        /** The status's numbers, for an unlimited dimension ignored (see {@link WindowStatus#UNLIMITED}). */
        Allowed(RateLimits limits, long requestsRemaining, long requestsResetNanos,
                long tokensRemaining, long tokensResetNanos) {
            this.limits = limits;
            this.requestsRemaining = requestsRemaining;
            this.requestsResetNanos = requestsResetNanos;
            this.tokensRemaining = tokensRemaining;
            this.tokensResetNanos = tokensResetNanos;
        }

        /** Whether one more request fits the request window as this admission left it. */
        public boolean roomForAnotherRequest() {
            if (limits == null) {
                return status.limitRequests() == 0 || status.remainingRequests() > 0;
            }
            return !limits.limitsRequests() || requestsRemaining > 0;
        }

        @Override
        public RateLimitStatus status() {
            RateLimitStatus built = status;
            if (built == null) {
                long requestsLimit = limits.requestsPerMinute();
                long tokensLimit = limits.tokensPerMinute();
                built = new RateLimitStatus(
                        requestsLimit, requestsLimit == 0 ? 0 : requestsRemaining, reset(requestsLimit, requestsResetNanos),
                        tokensLimit, tokensLimit == 0 ? 0 : tokensRemaining, reset(tokensLimit, tokensResetNanos));
                status = built;
            }
            return built;
        }

        /** An unlimited dimension's reset is zero, as in {@link WindowStatus#UNLIMITED}. */
        private static Duration reset(long limit, long resetNanos) {
            return limit == 0 ? Duration.ZERO : Duration.ofNanos(resetNanos);
        }

        @Override
        public boolean isAllowed() {
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Allowed that && status().equals(that.status());
        }

        @Override
        public int hashCode() {
            return status().hashCode();
        }

        @Override
        public String toString() {
            return "Allowed[status=" + status() + "]";
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

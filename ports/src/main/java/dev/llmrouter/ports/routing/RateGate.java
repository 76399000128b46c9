package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.Caller;
import java.time.Duration;
import java.util.Optional;

/**
 * What the router needs of per-account rate limits (Requirement 5.5): one request and its estimated
 * tokens, admitted both or neither; and a check, consuming nothing, that lets the router refuse a
 * caller already at its request limit before estimating its prompt (Requirement 9.2).
 */
public interface RateGate {

    /**
     * Whether one more request could be admitted now, whatever its tokens, consuming nothing: a
     * {@link Verdict.Limited} when the request part of the limit (or a full token minute) refuses even
     * a request of no tokens, with the exact wait for such a request (the real request, having tokens,
     * can only wait as long or longer); else {@link Verdict.Allowed}. {@link #admit} still decides.
     *
     * @param nowNanos the router's ticker
     */
    default Verdict precheck(Caller caller, long nowNanos) {
        return new Verdict.Allowed(RateLimitStatus.UNLIMITED);
    }

    /**
     * @param tokens   the request's estimated prompt tokens plus its output cap
     * @param nowNanos the router's ticker
     */
    Verdict admit(Caller caller, long tokens, long nowNanos);

    RateGate UNLIMITED = (caller, tokens, nowNanos) -> new Verdict.Allowed(RateLimitStatus.UNLIMITED);

    /** Admitted or not, with the position for the {@code x-ratelimit-*} headers. */
    sealed interface Verdict {
        RateLimitStatus status();

        record Allowed(RateLimitStatus status) implements Verdict {}

        /** Not admitted for now. {@code retryAfter} is exact (trying earlier is refused again). */
        record Limited(String message, Optional<Duration> retryAfter, RateLimitStatus status) implements Verdict {
            public Limited {
                retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
            }
        }

        /**
         * Never admitted: the request alone is larger than a per-minute limit, so no wait would help
         * (a request to change, not to retry).
         */
        record TooLarge(String message, RateLimitStatus status) implements Verdict {}

        /**
         * The rate-limit store could not answer and the gate fails closed (Requirement 7.5): not
         * admitted, nothing consumed; {@code retryAfter} is the policy's wait.
         */
        record Unavailable(String message, Duration retryAfter) implements Verdict {
            @Override
            public RateLimitStatus status() {
                return RateLimitStatus.UNLIMITED;
            }
        }
    }
}

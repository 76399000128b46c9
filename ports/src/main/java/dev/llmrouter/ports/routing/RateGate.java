package dev.llmrouter.ports.routing;

import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.RateLimitStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * What the router needs of per-account rate limits (Requirement 5.5): one request and its estimated
 * tokens, admitted both or neither.
 */
public interface RateGate {

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

        /**
         * Not admitted. {@code retryAfter} is exact (trying earlier is refused again); empty when no
         * wait would help (the request alone is larger than a per-minute limit).
         */
        record Limited(String message, Optional<Duration> retryAfter, RateLimitStatus status) implements Verdict {
            public Limited {
                retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
            }
        }
    }
}

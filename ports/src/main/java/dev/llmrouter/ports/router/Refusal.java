package dev.llmrouter.ports.router;

import java.time.Duration;
import java.util.Optional;

/**
 * Why a request was refused before reaching any deployment.
 *
 * @param reason     the class of refusal (the HTTP layer maps it to a status in one place)
 * @param message    a message for the caller, naming what to change
 * @param retryAfter when trying again may succeed (rate limits, quota period end)
 */
public record Refusal(Reason reason, String message, Optional<Duration> retryAfter) {

    public enum Reason {
        /** The requested name is neither a tier nor a catalog model. (404) */
        UNKNOWN_MODEL,
        /** Residency, capability or context filters left no deployment. (400) */
        NO_ELIGIBLE_DEPLOYMENT,
        /** The prompt exceeds every eligible model's context window. (400) */
        PROMPT_TOO_LARGE,
        /** A per-minute request or token limit. (429) */
        RATE_LIMITED,
        /**
         * The request alone (its estimated prompt plus output cap) is larger than the plan's tokens per
         * minute: no wait would admit it, so it is not a 429 a client would retry. (400)
         */
        LARGER_THAN_RATE_LIMIT,
        /** The account's monthly quota cannot hold this request's worst case. (429) */
        QUOTA_EXCEEDED,
        /**
         * A store admission depends on (quota, rate limits) could not answer and its policy fails
         * closed (Requirement 7.5): nothing reached a deployment. (503 + Retry-After)
         */
        STORE_UNAVAILABLE,
        /** The request is malformed in a way only the router can see. (400) */
        INVALID_REQUEST,
        /**
         * The request must go to one deployment (it continues a response that deployment stored) and that
         * deployment is not among those that may serve it: the plan, the residency or the operation rule it
         * out, or it left the configuration. (400)
         */
        REQUIRED_DEPLOYMENT_NOT_ELIGIBLE,
        /**
         * The request must go to one deployment and its breaker is open or it is cooling down: no other
         * deployment holds what the request continues. (503 + Retry-After)
         */
        REQUIRED_DEPLOYMENT_UNAVAILABLE
    }

    public Refusal {
        retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    }

    public static Refusal of(Reason reason, String message) {
        return new Refusal(reason, message, Optional.empty());
    }
}

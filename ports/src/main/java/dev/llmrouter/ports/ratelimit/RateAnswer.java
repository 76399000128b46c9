package dev.llmrouter.ports.ratelimit;

import dev.llmrouter.domain.ratelimit.RateDecision;
import java.util.Objects;

/** The answer of an {@link AccountRateLimiter}: a decision, or a store that could not decide. */
public sealed interface RateAnswer permits RateAnswer.Decided, RateAnswer.Unavailable {

    /** The limiter decided (admitted, limited for now, or too large for good). */
    record Decided(RateDecision decision) implements RateAnswer {
        public Decided {
            Objects.requireNonNull(decision, "decision");
        }
    }

    /**
     * The store holding the account's minute could not answer (a timeout, a lost connection): nothing
     * was consumed. A value, never an exception: the caller applies its policy (fail closed, or fail
     * open and admit).
     *
     * @param reason what went wrong, for the log and the operator
     */
    record Unavailable(String reason) implements RateAnswer {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.ports.router.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the router needs of quota admission (Requirement 5.4): reserve a request's worst case before
 * it reaches a deployment, resize the reservation when the request hops to another model, settle it to
 * the actual charge on success, release it on failure.
 */
public interface QuotaGate {

    /** Reserves {@code worstCase} against the caller's quota at {@code now}. */
    Verdict reserve(Caller caller, Charge worstCase, Instant now);

    /** Admits everything and holds nothing. */
    QuotaGate UNLIMITED = (caller, worstCase, now) -> new Verdict.Held(Hold.NONE);

    /**
     * What a request may consume: tokens (prompt + completion) and their exact cost.
     */
    record Charge(long tokens, Money cost) {
        public static final Charge NONE = new Charge(0, Money.ZERO);

        public Charge {
            Objects.requireNonNull(cost, "cost");
            if (tokens < 0) {
                throw new IllegalArgumentException("tokens cannot be negative: " + tokens);
            }
        }
    }

    /** The answer to a reservation. */
    sealed interface Verdict {
        /** Reserved; the hold must be settled or released exactly once. */
        record Held(Hold hold) implements Verdict {}

        /** The quota cannot hold the worst case; {@code retryAfter} is the period's end, if known. */
        record Refused(String message, Optional<Duration> retryAfter) implements Verdict {}

        /**
         * The quota store could not answer and the gate fails closed (Requirement 7.5): nothing is
         * held, nothing may reach a deployment; {@code retryAfter} is the policy's wait.
         */
        record Unavailable(String message, Duration retryAfter) implements Verdict {}
    }

    /** One request's reservation. */
    interface Hold {
        /**
         * Changes the reserved amount to {@code worstCase} (a hop to another model).
         *
         * @return false, keeping the present reservation, when the quota cannot hold it
         */
        boolean resize(Charge worstCase);

        /**
         * The request consumed {@code actual}: the reservation becomes that charge. Never throws: a
         * store that cannot take it leaves the worst case held until its lease ends (the ledger has
         * the record).
         */
        void settle(Charge actual);

        /** {@link #settle(Charge)} of {@code tokens} costing {@code cost}; a store's hold may skip the charge object. */
        default void settle(long tokens, Money cost) {
            settle(new Charge(tokens, cost));
        }

        /** The request consumed nothing: the reservation is returned. */
        void release();

        Hold NONE = new Hold() {
            @Override
            public boolean resize(Charge worstCase) {
                return true;
            }

            @Override
            public void settle(Charge actual) {}

            @Override
            public void release() {}
        };
    }
}

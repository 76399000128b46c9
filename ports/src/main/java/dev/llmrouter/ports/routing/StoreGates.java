package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.Caller;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The stores admission consults for one request, the rate limit then the quota, as one question: so
 * that a store keeping both can answer in one round trip ({@link OneRoundTripGates}) while separate
 * stores are asked one after the other ({@link #inOrder}). Either way the order and the policies are
 * the same: the quota is asked only when the rate limit admitted the request (or, being away, fails
 * open), and each store that cannot answer is judged by its own {@link UnavailableStorePolicy}.
 */
interface StoreGates {

    /** {@link RateGate#precheck}: the request rate, consuming nothing. */
    RateGate.Verdict precheck(Caller caller, long nowNanos);

    /**
     * The rate limit for one request of {@code tokens} tokens and, if it admitted it, the reservation
     * of {@code worstCase}.
     *
     * @param nowNanos the router's ticker, for the rate limit
     * @param clock    read for the quota's month only when the quota is asked
     */
    Gated admit(Caller caller, long tokens, QuotaGate.Charge worstCase, long nowNanos, InstantSource clock);

    /** What the stores said. */
    sealed interface Gated {

        /** The rate limit refused the request or failed closed; the quota was not asked. */
        record RateRefused(RateGate.Verdict verdict) implements Gated {
            public RateRefused {
                if (verdict instanceof RateGate.Verdict.Allowed) {
                    throw new IllegalArgumentException("an admitted request has its quota asked");
                }
            }
        }

        /** The rate limit admitted the request (at {@code rateLimit}); the quota answered {@code quota}. */
        record RateAdmitted(RateLimitStatus rateLimit, QuotaGate.Verdict quota) implements Gated {}
    }

    /** Two gates asked one after the other. */
    static StoreGates inOrder(RateGate rates, QuotaGate quota) {
        Objects.requireNonNull(rates, "rates");
        Objects.requireNonNull(quota, "quota");
        return new StoreGates() {
            @Override
            public RateGate.Verdict precheck(Caller caller, long nowNanos) {
                return rates.precheck(caller, nowNanos);
            }

            @Override
            public Gated admit(Caller caller, long tokens, QuotaGate.Charge worstCase, long nowNanos, InstantSource clock) {
                RateGate.Verdict rate = rates.admit(caller, tokens, nowNanos);
                if (!(rate instanceof RateGate.Verdict.Allowed)) {
                    return new Gated.RateRefused(rate);
                }
                return new Gated.RateAdmitted(rate.status(), quota.reserve(caller, worstCase, clock.instant()));
            }
        };
    }
}

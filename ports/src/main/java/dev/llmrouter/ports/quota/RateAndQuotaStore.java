package dev.llmrouter.ports.quota;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Objects;

/**
 * Optional outbound port: an account's rate limit and its quota kept in one store, so that admission
 * asks both in one round trip (a Redis server, say, running the rate check and the reservation in one
 * script) instead of two.
 *
 * <h2>What {@link #admit} must keep</h2>
 * Exactly what {@link AccountRateLimiter#tryAcquire} followed by {@link QuotaStore#reserve} keeps, in
 * that order: the quota is asked only when the rate limit admitted the request, so a request refused
 * by its rate limit never holds quota; a request the rate limit admitted counts in the minute even
 * when the quota then refuses it (as two separate calls would leave it). Each part keeps its own
 * port's guarantees and answers its own values: a refusal is a value, and so is a store that cannot
 * answer. {@link #of} is this composition over two separate stores, and the reference a one-round-trip
 * implementation is held to.
 *
 * <p>Everything else (the precheck, a hop's resize, the settle and the release, a quota asked alone)
 * goes to {@link #rateLimiter()} and {@link #quotaStore()}, which share the store's state.
 */
public interface RateAndQuotaStore {

    /** The same store's rate limits, asked alone. */
    AccountRateLimiter rateLimiter();

    /** The same store's quotas, asked alone. */
    QuotaStore quotaStore();

    /**
     * Admits one request of {@code tokens} tokens under {@code limits} and, only if it was admitted,
     * reserves {@code worstCase} in the account's {@code period} under {@code quota}, with a lease.
     */
    Answer admit(String account, RateLimits limits, long tokens,
            YearMonth period, QuotaAmount worstCase, QuotaLimit quota, Duration lease);

    /** Both ports' answers, in the order they were asked. */
    sealed interface Answer {

        /**
         * The rate limit did not admit the request (limited, too large) or could not answer: the quota
         * was not asked.
         */
        record RateOnly(RateAnswer rate) implements Answer {
            public RateOnly {
                Objects.requireNonNull(rate, "rate");
                if (rate instanceof RateAnswer.Decided decided && decided.decision() instanceof RateDecision.Allowed) {
                    throw new IllegalArgumentException("an admitted request has its quota asked too");
                }
            }
        }

        /** The rate limit admitted the request, then the quota answered {@code quota}. */
        record Both(RateDecision.Allowed rate, ReserveResult quota) implements Answer {
            public Both {
                Objects.requireNonNull(rate, "rate");
                Objects.requireNonNull(quota, "quota");
            }
        }
    }

    /** Two separate stores asked one after the other: two round trips, the same answers. */
    static RateAndQuotaStore of(AccountRateLimiter rateLimiter, QuotaStore quotaStore) {
        Objects.requireNonNull(rateLimiter, "rateLimiter");
        Objects.requireNonNull(quotaStore, "quotaStore");
        return new RateAndQuotaStore() {
            @Override
            public AccountRateLimiter rateLimiter() {
                return rateLimiter;
            }

            @Override
            public QuotaStore quotaStore() {
                return quotaStore;
            }

            @Override
            public Answer admit(String account, RateLimits limits, long tokens,
                    YearMonth period, QuotaAmount worstCase, QuotaLimit quota, Duration lease) {
                RateAnswer rate = rateLimiter.tryAcquire(account, limits, tokens);
                if (rate instanceof RateAnswer.Decided decided && decided.decision() instanceof RateDecision.Allowed allowed) {
                    ReserveResult reserved;
                    try {
                        reserved = quotaStore.reserve(account, period, worstCase, quota, lease);
                    } catch (RuntimeException e) {
                        // The minute already counts the request: the answer must say so, with the quota away.
                        reserved = new StoreUnavailable(e.getClass().getSimpleName());
                    }
                    return new Answer.Both(allowed, reserved);
                }
                return new Answer.RateOnly(rate);
            }
        };
    }
}

package dev.llmrouter.ports.routing;

import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import dev.llmrouter.ports.router.Caller;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Objects;

/**
 * Admission's two store gates on a {@link RateAndQuotaStore}: the rate limit and the reservation in one call to
 * the store, each part judged exactly as {@link AccountRateGate} and {@link QuotaStoreGate} judge it
 * (same messages, same policies). Everything else (the precheck, a hop's resize, the settle and the
 * release) goes through those two gates on the store's separate ports.
 *
 * <p>A store that throws instead of answering is taken as a rate limit that could not answer (nothing
 * is known to be consumed). A rate limit that could not answer and fails open leaves the quota
 * unasked by the combined call, so the quota is then asked alone: the refusal order and both
 * policies are those of two separate stores.
 */
final class OneRoundTripGates {

    private static final System.Logger LOG = System.getLogger(OneRoundTripGates.class.getName());

    private final RateAndQuotaStore store;
    private final AccountRateGate rates;
    private final QuotaStoreGate quota;

    OneRoundTripGates(RateAndQuotaStore store, UnavailableStorePolicy whenRateUnavailable,
            UnavailableStorePolicy whenQuotaUnavailable, Duration lease) {
        this.store = Objects.requireNonNull(store, "store");
        this.rates = new AccountRateGate(store.rateLimiter(), whenRateUnavailable);
        this.quota = new QuotaStoreGate(store.quotaStore(), whenQuotaUnavailable, lease);
    }

    /**
     * What the two gates said.
     *
     * @param quota the quota's verdict; null when the rate limit did not admit the request (the quota
     *              was not asked)
     */
    record Verdicts(RateGate.Verdict rate, QuotaGate.Verdict quota) {}

    /** The gate on the store's rate limits alone: the precheck. */
    AccountRateGate rates() {
        return rates;
    }

    /** The gate on the store's quotas alone: a hop's resize, the settle and the release go through its holds. */
    QuotaStoreGate quota() {
        return quota;
    }

    /**
     * The rate limit for one request of {@code tokens} tokens and, if it admitted it, the reservation of
     * {@code worstCase}: one call to the store, or two when the rate limit is away and fails open.
     */
    Verdicts admit(Caller caller, long tokens, QuotaGate.Charge worstCase, Instant now) {
        YearMonth period = quota.periodOf(now);
        QuotaLimit limit = quota.limitOf(caller.plan().quota());
        RateAndQuotaStore.Answer answer;
        try {
            answer = store.admit(caller.accountId(), caller.plan().rateLimits(), tokens,
                    period, QuotaStoreGate.amount(worstCase), limit, quota.lease());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "rate and quota store threw instead of answering", e);
            answer = new RateAndQuotaStore.Answer.RateOnly(new RateAnswer.Unavailable(e.getClass().getSimpleName()));
        }
        if (answer instanceof RateAndQuotaStore.Answer.Both both) {
            return new Verdicts(rates.verdict(caller, new RateAnswer.Decided(both.rate())),
                    quota.verdict(caller, now, period, limit, both.quota()));
        }
        RateGate.Verdict rate = rates.verdict(caller, ((RateAndQuotaStore.Answer.RateOnly) answer).rate());
        return new Verdicts(rate, rate instanceof RateGate.Verdict.Allowed ? quota.reserve(caller, worstCase, now) : null);
    }
}

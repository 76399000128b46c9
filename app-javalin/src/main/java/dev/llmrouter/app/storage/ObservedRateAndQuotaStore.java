package dev.llmrouter.app.storage;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Objects;

/**
 * A combined rate and quota store whose answers are reported to the {@link StoreMonitor} as its two
 * parts' would be: the rate part through {@link ObservedRateLimiter} (so a rate limit that cannot
 * answer and fails open to the per-process limiter does so here too, and the quota is then asked
 * alone), the reservation through {@link ObservedQuotaStore}. The separate ports are those two.
 */
final class ObservedRateAndQuotaStore implements RateAndQuotaStore {

    private final RateAndQuotaStore store;
    private final ObservedRateLimiter rates;
    private final ObservedQuotaStore quotas;

    ObservedRateAndQuotaStore(RateAndQuotaStore store, ObservedRateLimiter rates, ObservedQuotaStore quotas) {
        this.store = Objects.requireNonNull(store, "store");
        this.rates = Objects.requireNonNull(rates, "rates");
        this.quotas = Objects.requireNonNull(quotas, "quotas");
    }

    @Override
    public AccountRateLimiter rateLimiter() {
        return rates;
    }

    @Override
    public QuotaStore quotaStore() {
        return quotas;
    }

    @Override
    public Answer admit(String account, RateLimits limits, long tokens,
            YearMonth period, QuotaAmount worstCase, QuotaLimit quota, Duration lease) {
        Answer answer;
        try {
            answer = store.admit(account, limits, tokens, period, worstCase, quota, lease);
        } catch (RuntimeException e) {
            answer = new Answer.RateOnly(new RateAnswer.Unavailable(e.getClass().getSimpleName()));
        }
        if (answer instanceof Answer.Both both) {
            rates.answered();
            quotas.admission(both.quota());
            return both;
        }
        RateAnswer rate = rates.admission(((Answer.RateOnly) answer).rate(), account, limits, tokens);
        if (rate instanceof RateAnswer.Decided decided && decided.decision() instanceof RateDecision.Allowed allowed) {
            // The per-process limiter admitted it while the store was away: the quota has not been asked yet.
            return new Answer.Both(allowed, quotas.reserve(account, period, worstCase, quota, lease));
        }
        return new Answer.RateOnly(rate);
    }
}

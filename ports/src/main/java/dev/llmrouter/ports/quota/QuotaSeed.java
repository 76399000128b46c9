package dev.llmrouter.ports.quota;

import java.time.YearMonth;

/**
 * Where a quota store learns what an account already spent in a month when it holds no state for it
 * (first use since start, or after an idle account was evicted), typically the usage ledger.
 */
@FunctionalInterface
public interface QuotaSeed {

    /** No prior usage known: the store keeps every month it has seen until that month is over. */
    QuotaSeed NONE = (account, period) -> QuotaAmount.ZERO;

    /**
     * Usage already settled for {@code account} in {@code period}. Called rarely; may block briefly.
     * It must already include every amount the store has settled for that month, so whoever keeps
     * it (the usage ledger) records a request's usage <em>before</em> the quota settles it.
     */
    QuotaAmount settled(String account, YearMonth period);
}

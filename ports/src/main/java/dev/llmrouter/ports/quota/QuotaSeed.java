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
     * It includes every amount settled for that month except those of requests between their settle
     * and their record: the router settles first and records right after (a process that dies between
     * the two must leave its spend charged, never recorded spend whose reservation lapses and hands the
     * room back), so a month rebuilt at that moment misses at most the requests finishing then.
     */
    QuotaAmount settled(String account, YearMonth period);
}

package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.EndResult;
import dev.llmrouter.ports.quota.Ended;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.ReserveResult;
import java.time.YearMonth;

/** Shorthands for the in-memory store's own tests: the default lease, and an end read as "it changed something". */
final class Quotas {

    private Quotas() {}

    static ReserveResult reserve(QuotaStore store, String account, YearMonth period, QuotaAmount amount, QuotaLimit limit) {
        return store.reserve(account, period, amount, limit, QuotaStore.DEFAULT_LEASE);
    }

    /** Whether this end was the one that ended the reservation. */
    static boolean ended(EndResult result) {
        return result instanceof Ended;
    }
}

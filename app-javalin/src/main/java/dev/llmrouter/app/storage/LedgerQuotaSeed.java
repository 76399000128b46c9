package dev.llmrouter.app.storage;

import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageTotals;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaPeriods;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.usage.UsageLedger;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A quota month rebuilt from the durable usage ledger (Requirement 7.4): what an account spent in a
 * month is the sum of its records in that month, cost and tokens (input plus output, as the quota
 * settles them). A store with no state for an account (a process that just started, an account
 * evicted while idle, a Redis that lost its data) asks this before it admits anything for it.
 *
 * <p>Only a ledger that keeps every record can seed: the bounded in-memory ledger drops its oldest
 * records and would undercount, so the gateway seeds from it never ({@link QuotaSeed#NONE}). The
 * router settles the quota and then appends the record, so the sum includes every amount a store has
 * settled but those of the requests finishing at that moment ({@link QuotaSeed#settled}).
 */
public final class LedgerQuotaSeed implements QuotaSeed {

    private final UsageLedger ledger;

    public LedgerQuotaSeed(UsageLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    @Override
    public QuotaAmount settled(String account, YearMonth period) {
        // The grouping is irrelevant: only the total over every group is read.
        UsageTotals total = ledger.totals(account, period.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                QuotaPeriods.resetsAt(period), UsageDimension.TIER).total();
        return new QuotaAmount(total.cost().nanos(), Math.addExact(total.inputTokens(), total.outputTokens()));
    }
}

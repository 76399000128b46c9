package dev.llmrouter.app;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.usage.UsageLedger;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * What an account spent in a month (UTC), summed from the usage ledger, so that the quota store can
 * drop an idle account's month and rebuild it exactly on its next request. The router records each
 * request's usage before the quota settles it, which is what makes the sum include every settled amount.
 */
final class LedgerQuotaSeed implements QuotaSeed {

    private final UsageLedger ledger;

    LedgerQuotaSeed(UsageLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public QuotaAmount settled(String account, YearMonth period) {
        Money cost = Money.ZERO;
        long tokens = 0;
        for (UsageRecord r : ledger.records(account, period.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC))) {
            cost = cost.plus(r.cost());
            tokens = Math.addExact(tokens, r.tokens().totalTokens());
        }
        return QuotaAmount.of(cost, tokens);
    }
}

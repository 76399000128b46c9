package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.usage.InMemoryUsageLedger;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.4: a quota month the store dropped is rebuilt from exactly that month's usage records. */
@DisplayName("Requirement 5.4 — quota seeded from the usage ledger")
class LedgerQuotaSeedTest {

    private static UsageRecord record(String account, String time, long in, long out, String usd) {
        return new UsageRecord("r", Instant.parse(time), account, "", "free", "", Optional.empty(), Tier.ECONOMY,
                "gpt-35-turbo", "d", "eastus", new TokenUsage(in, out), Money.ofUsd(usd), Duration.ZERO,
                Optional.empty(), UsageOutcome.SUCCESS, List.of());
    }

    @Test
    void sums_cost_and_tokens_of_the_account_within_the_utc_month_only() {
        InMemoryUsageLedger ledger = new InMemoryUsageLedger();
        ledger.append(record("a", "2026-02-28T23:59:59.999Z", 1000, 1000, "9"));   // previous month
        ledger.append(record("a", "2026-03-01T00:00:00Z", 10, 5, "0.001"));         // first instant of March
        ledger.append(record("a", "2026-03-31T23:59:59.999Z", 20, 7, "0.002"));     // last instant of March
        ledger.append(record("b", "2026-03-15T12:00:00Z", 500, 500, "1"));          // another account
        ledger.append(record("a", "2026-04-01T00:00:00Z", 1000, 1000, "9"));        // next month

        QuotaAmount march = new LedgerQuotaSeed(ledger).settled("a", YearMonth.of(2026, 3));

        assertThat(march).isEqualTo(QuotaAmount.of(Money.ofUsd("0.003"), 42));
    }
}

package dev.llmrouter.app.storage;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaDimension;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaRefused;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.Reservation;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 7.4: a quota store that holds nothing for an account (a process that just started)
 * rebuilds the account's month from the ledger before it admits anything: the month's cost and tokens
 * are the sums of that account's records in that month (UTC), no more and no less.
 */
@DisplayName("Requirement 7.4 — a quota month is rebuilt from the ledger's totals")
class LedgerQuotaSeedTest {

    private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);
    private static final Instant NOV_1 = Instant.parse("2026-11-01T00:00:00Z");

    private final InMemoryUsageLedger ledger = new InMemoryUsageLedger(1_000);

    @Test
    void the_seed_is_the_sum_of_the_accounts_records_in_that_month_only() {
        // given records of acme in October, in November (first and last nanosecond) and in December, and of another account
        ledger.append(aUsageRecord().requestId("oct").account("acme").at(NOV_1.minusNanos(1)).tokens(1_000, 1_000).costNanos(9_000).build());
        ledger.append(aUsageRecord().requestId("n1").account("acme").at(NOV_1).tokens(100, 20).costNanos(1_500).build());
        ledger.append(aUsageRecord().requestId("n2").account("acme").at(Instant.parse("2026-11-30T23:59:59.999999999Z"))
                .tokens(7, 3).costNanos(250).build());
        ledger.append(aUsageRecord().requestId("dec").account("acme").at(Instant.parse("2026-12-01T00:00:00Z"))
                .tokens(5_000, 0).costNanos(50_000).build());
        ledger.append(aUsageRecord().requestId("other").account("globex").at(NOV_1.plusSeconds(5)).tokens(40, 2).costNanos(777).build());

        // when acme's November is seeded
        QuotaAmount seeded = new LedgerQuotaSeed(ledger).settled("acme", NOVEMBER);

        // then it holds exactly November's two records: cost and input plus output tokens
        assertThat(seeded).isEqualTo(new QuotaAmount(1_750, 130));
        assertThat(new LedgerQuotaSeed(ledger).settled("nobody", NOVEMBER)).isEqualTo(QuotaAmount.ZERO);
    }

    @Test
    void a_store_started_after_spend_refuses_what_would_pass_the_quota() {
        // given a month in which acme already spent 900 of its 1,000 nanodollars, recorded in the ledger
        ledger.append(aUsageRecord().requestId("a").account("acme").at(NOV_1.plusSeconds(60)).tokens(10, 10).costNanos(600).build());
        ledger.append(aUsageRecord().requestId("b").account("acme").at(NOV_1.plusSeconds(120)).tokens(10, 10).costNanos(300).build());
        QuotaLimit limit = new QuotaLimit(1_000, QuotaLimit.UNBOUNDED);

        // when a new quota store (a restarted process) is seeded from that ledger
        QuotaStore restarted = new InMemoryQuotaStore(InstantSource.fixed(NOV_1.plusSeconds(3_600)), Duration.ofHours(1),
                new LedgerQuotaSeed(ledger));

        // then 101 more is refused with the month's 900 counted, and 100 more is admitted
        assertThat(restarted.reserve("acme", NOVEMBER, new QuotaAmount(101, 1), limit, Duration.ofMinutes(1)))
                .isEqualTo(new QuotaRefused(QuotaDimension.COST, 101, 900, 1_000));
        assertThat(restarted.reserve("acme", NOVEMBER, new QuotaAmount(100, 1), limit, Duration.ofMinutes(1)))
                .isInstanceOf(Reservation.class);
    }
}

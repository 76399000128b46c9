package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.T0;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.usage.UsageQueryUseCase.GroupBy;
import dev.llmrouter.ports.usage.UsageQueryUseCase.UsageReport;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.4: the in-memory ledger is bounded over all accounts; past the bound the oldest record
 * is dropped and counted, and what is kept answers queries and aggregates exactly.
 */
@DisplayName("Requirement 9.4 — the in-memory ledger is bounded")
class BoundedUsageLedgerTest {

    @Test
    void past_the_bound_the_oldest_record_of_any_account_is_dropped_and_counted() {
        // given a bound of 3 records
        InMemoryUsageLedger ledger = new InMemoryUsageLedger(3);

        // when five records of two accounts arrive
        ledger.append(aUsageRecord().account("acme").requestId("a0").at(T0).build());
        ledger.append(aUsageRecord().account("globex").requestId("g1").at(T0.plusSeconds(1)).build());
        ledger.append(aUsageRecord().account("acme").requestId("a2").at(T0.plusSeconds(2)).build());
        ledger.append(aUsageRecord().account("acme").requestId("a3").at(T0.plusSeconds(3)).build());
        ledger.append(aUsageRecord().account("acme").requestId("a4").at(T0.plusSeconds(4)).build());

        // then the two oldest, whichever account they belong to, are gone
        assertThat(ids(ledger.all())).containsExactly("a2", "a3", "a4");
        assertThat(ledger.records("globex", T0, T0.plusSeconds(10))).isEmpty();
        assertThat(ledger.size()).isEqualTo(3);
        assertThat(ledger.dropped()).isEqualTo(2);
    }

    @Test
    void the_oldest_by_arrival_goes_first_even_when_a_record_arrives_out_of_time_order() {
        InMemoryUsageLedger ledger = new InMemoryUsageLedger(2);
        ledger.append(aUsageRecord().requestId("late").at(T0.plusSeconds(5)).build());
        ledger.append(aUsageRecord().requestId("early").at(T0).build());

        ledger.append(aUsageRecord().requestId("next").at(T0.plusSeconds(6)).build());

        assertThat(ids(ledger.all())).containsExactly("early", "next");
    }

    @Test
    void aggregates_are_exact_for_what_is_kept() {
        // given 10 records of 1, 2, ..., 10 nano-dollars and room for the last 4
        InMemoryUsageLedger ledger = new InMemoryUsageLedger(4);
        for (int i = 1; i <= 10; i++) {
            ledger.append(aUsageRecord().requestId("r" + i).creator(i % 2 == 0 ? "even" : "odd")
                    .at(T0.plusSeconds(i)).costNanos(i).tokens(i, 0).build());
        }

        // when the usage of the whole range is asked for
        UsageReport report = new UsageReporter(ledger).usage("acme", T0, T0.plusSeconds(60), GroupBy.CREATOR);

        // then it is the sum of records 7..10, exactly
        assertThat(report.total().requests()).isEqualTo(4);
        assertThat(report.total().cost()).isEqualTo(Money.ofNanos(7 + 8 + 9 + 10));
        assertThat(report.total().inputTokens()).isEqualTo(7 + 8 + 9 + 10);
        assertThat(report.lines()).extracting(UsageQueryUseCase.Line::key, UsageQueryUseCase.Line::requests)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("even", 2L), org.assertj.core.groups.Tuple.tuple("odd", 2L));
        assertThat(ledger.dropped()).isEqualTo(6);
    }

    @Test
    void a_bound_below_one_record_is_refused() {
        assertThatThrownBy(() -> new InMemoryUsageLedger(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRecords");
    }

    @Test
    void without_a_bound_nothing_is_dropped() {
        InMemoryUsageLedger ledger = new InMemoryUsageLedger();
        for (int i = 0; i < 10_000; i++) {
            ledger.append(aUsageRecord().requestId("r" + i).at(T0.plusMillis(i)).build());
        }
        assertThat(ledger.size()).isEqualTo(10_000);
        assertThat(ledger.dropped()).isZero();
    }

    private static List<String> ids(List<UsageRecord> records) {
        return records.stream().map(UsageRecord::requestId).toList();
    }
}

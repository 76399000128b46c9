package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.T0;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageRecord;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.1: the ledger keeps every record it is given and answers range queries by account. */
@DisplayName("Requirement 5.1 — in-memory usage ledger")
class InMemoryUsageLedgerTest {

    private final InMemoryUsageLedger ledger = new InMemoryUsageLedger();

    @Test
    void a_range_holds_from_inclusive_and_to_exclusive() {
        // given records at T0, T0+1s, T0+2s
        for (int i = 0; i < 3; i++) {
            ledger.append(aUsageRecord().requestId("r" + i).at(T0.plusSeconds(i)).build());
        }

        // then
        assertThat(ids(ledger.records("acme", T0, T0.plusSeconds(2)))).containsExactly("r0", "r1");
        assertThat(ids(ledger.records("acme", T0.plusSeconds(1), T0.plusSeconds(3)))).containsExactly("r1", "r2");
        assertThat(ids(ledger.records("acme", T0.plusNanos(1), T0.plusSeconds(1).plusNanos(1)))).containsExactly("r1");
        assertThat(ledger.records("acme", T0, T0)).isEmpty();
        assertThat(ledger.records("acme", T0.plusSeconds(3), T0)).isEmpty();
    }

    @Test
    void records_come_back_in_time_order_and_same_time_records_in_append_order() {
        // given out-of-order arrivals and a tie
        ledger.append(aUsageRecord().requestId("late").at(T0.plusSeconds(5)).build());
        ledger.append(aUsageRecord().requestId("early").at(T0).build());
        ledger.append(aUsageRecord().requestId("tie-1").at(T0.plusSeconds(2)).build());
        ledger.append(aUsageRecord().requestId("tie-2").at(T0.plusSeconds(2)).build());

        assertThat(ids(ledger.records("acme", T0, T0.plusSeconds(10))))
                .containsExactly("early", "tie-1", "tie-2", "late");
        assertThat(ids(ledger.all())).containsExactly("early", "tie-1", "tie-2", "late");
    }

    @Test
    void an_account_sees_only_its_own_records() {
        ledger.append(aUsageRecord().account("acme").requestId("a").build());
        ledger.append(aUsageRecord().account("globex").requestId("g").build());

        assertThat(ids(ledger.records("acme", T0, T0.plusSeconds(1)))).containsExactly("a");
        assertThat(ids(ledger.records("globex", T0, T0.plusSeconds(1)))).containsExactly("g");
        assertThat(ledger.records("initech", T0, T0.plusSeconds(1))).isEmpty();
        assertThat(ledger.size()).isEqualTo(2);
    }

    private static List<String> ids(List<UsageRecord> records) {
        return records.stream().map(UsageRecord::requestId).toList();
    }
}

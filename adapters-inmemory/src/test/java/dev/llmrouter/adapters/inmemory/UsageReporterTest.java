package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.T0;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.usage.UsageQueryUseCase.GroupBy;
import dev.llmrouter.ports.usage.UsageQueryUseCase.Line;
import dev.llmrouter.ports.usage.UsageQueryUseCase.UsageReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.3: usage of one account over [from, to), grouped, with exact money. */
@DisplayName("Requirement 5.3 — usage report")
class UsageReporterTest {

    private final InMemoryUsageLedger ledger = new InMemoryUsageLedger();
    private final UsageReporter reporter = new UsageReporter(ledger);

    @Test
    void groups_one_accounts_records_in_the_half_open_range() {
        // given
        ledger.append(aUsageRecord().creator("alice").at(T0.minusNanos(1)).costNanos(1).build()); // before
        ledger.append(aUsageRecord().creator("alice").at(T0).tokens(10, 1).costNanos(300).build());
        ledger.append(aUsageRecord().creator("bob").at(T0.plusSeconds(30)).tokens(20, 2).costNanos(500).build());
        ledger.append(aUsageRecord().creator("alice").at(T0.plusSeconds(59)).tokens(30, 3).costNanos(250).build());
        ledger.append(aUsageRecord().creator("alice").at(T0.plusSeconds(60)).costNanos(1).build()); // at `to`
        ledger.append(aUsageRecord().account("globex").creator("alice").at(T0).costNanos(9_999).build());

        // when
        UsageReport report = reporter.usage("acme", T0, T0.plusSeconds(60), GroupBy.CREATOR);

        // then
        assertThat(report.lines()).containsExactly(
                new Line("alice", 2, 40, 4, Money.ofNanos(550)),
                new Line("bob", 1, 20, 2, Money.ofNanos(500)));
        assertThat(report.total()).isEqualTo(new Line("", 3, 60, 6, Money.ofNanos(1_050)));
        assertThat(report.accountId()).isEqualTo("acme");
        assertThat(report.groupBy()).isEqualTo(GroupBy.CREATOR);
    }

    @Test
    void every_grouping_reaches_its_dimension() {
        ledger.append(aUsageRecord().creator("c").model("m").operation("o").tier(Tier.ECONOMY).deployment("d").build());

        for (GroupBy g : GroupBy.values()) {
            String key = reporter.usage("acme", T0, T0.plusSeconds(1), g).lines().get(0).key();
            assertThat(key).isEqualTo(switch (g) {
                case CREATOR -> "c";
                case MODEL -> "m";
                case OPERATION -> "o";
                case TIER -> "economy";
                case DEPLOYMENT -> "d";
            });
        }
    }

    @Test
    void an_empty_range_gives_an_empty_report_and_a_reversed_one_is_refused() {
        ledger.append(aUsageRecord().at(T0).build());

        UsageReport empty = reporter.usage("acme", T0, T0, GroupBy.MODEL);
        assertThat(empty.lines()).isEmpty();
        assertThat(empty.total()).isEqualTo(new Line("", 0, 0, 0, Money.ZERO));
        assertThatThrownBy(() -> reporter.usage("acme", T0.plusSeconds(1), T0, GroupBy.MODEL))
                .isInstanceOf(IllegalArgumentException.class);
    }

}

package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.T0;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.llmrouter.ports.usage.UsageQueryUseCase.Cursor;
import dev.llmrouter.ports.usage.UsageQueryUseCase.GroupBy;
import dev.llmrouter.ports.usage.UsageQueryUseCase.Line;
import dev.llmrouter.ports.usage.UsageQueryUseCase.Page;
import dev.llmrouter.ports.usage.UsageQueryUseCase.UsageReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.4: a usage listing is paged. Walking the pages from the first with any limit yields
 * exactly the unpaged report's groups, once each, in its order, every page at most the limit; and a
 * page that starts after a cursor neither repeats nor skips a group when usage is added in between.
 */
@DisplayName("Requirement 9.4 — usage listings are paged")
class UsagePagingPropertyTest {

    private static final Instant TO = T0.plusSeconds(3_600);

    @Test
    void walking_the_pages_yields_every_group_once_in_the_reports_order() {
        // records: (creator index, cost in nanos); few costs, so that ties are common
        qt().withExamples(200).forAll(
                        lists().of(integers().between(0, 40)).ofSizeBetween(0, 120),
                        integers().between(1, 12))
                .checkAssert((creators, limit) -> {
                    InMemoryUsageLedger ledger = new InMemoryUsageLedger();
                    for (int i = 0; i < creators.size(); i++) {
                        int c = creators.get(i);
                        ledger.append(aUsageRecord().creator("c" + c).at(T0.plusSeconds(i)).costNanos(c % 4).build());
                    }
                    UsageReporter reporter = new UsageReporter(ledger);
                    UsageReport whole = reporter.usage("acme", T0, TO, GroupBy.CREATOR);

                    List<Line> walked = new ArrayList<>();
                    Optional<Cursor> after = Optional.empty();
                    int pages = 0;
                    do {
                        UsageReport page = reporter.usage("acme", T0, TO, GroupBy.CREATOR, new Page(limit, after));
                        assertThat(page.lines().size()).isLessThanOrEqualTo(limit);
                        assertThat(page.total()).isEqualTo(whole.total());
                        assertThat(page.groups()).isEqualTo(whole.lines().size());
                        walked.addAll(page.lines());
                        after = page.next();
                        assertThat(after.isPresent()).isEqualTo(walked.size() < whole.lines().size());
                        pages++;
                    } while (after.isPresent() && pages <= 200);
                    assertThat(walked).isEqualTo(whole.lines());
                });
    }

    @Test
    void a_group_added_between_two_pages_does_not_shift_the_next_page() {
        InMemoryUsageLedger ledger = new InMemoryUsageLedger();
        for (int i = 0; i < 6; i++) {
            ledger.append(aUsageRecord().creator("c" + i).at(T0).costNanos(100 - i).build());
        }
        UsageReporter reporter = new UsageReporter(ledger);
        UsageReport first = reporter.usage("acme", T0, TO, GroupBy.CREATOR, Page.first(3));
        assertThat(first.lines()).extracting(Line::key).containsExactly("c0", "c1", "c2");

        // when a big spender appears at the top before the second page is read
        ledger.append(aUsageRecord().creator("new").at(T0).costNanos(1_000).build());
        UsageReport second = reporter.usage("acme", T0, TO, GroupBy.CREATOR, new Page(3, first.next()));

        // then the second page goes on where the first stopped
        assertThat(second.lines()).extracting(Line::key).containsExactly("c3", "c4", "c5");
        assertThat(second.next()).isEmpty();
    }
}

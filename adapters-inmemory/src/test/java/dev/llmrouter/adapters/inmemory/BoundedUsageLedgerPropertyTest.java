package dev.llmrouter.adapters.inmemory;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.T0;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.4: whatever the arrival order of record times, the accounts they fall in and the bound,
 * the bounded ledger holds exactly the newest arrivals up to its bound, answers each account's range
 * in time order (ties in append order), and its pages, walked with any limit, yield that same list.
 * Checked against a plain list that keeps every arrival and drops from its front.
 */
@DisplayName("Requirement 9.4 — the bounded ledger keeps the newest arrivals, in time order")
class BoundedUsageLedgerPropertyTest {

    private static final List<String> ACCOUNTS = List.of("acme", "globex", "initech");

    @Test
    void holds_the_newest_arrivals_in_time_order_whatever_the_arrival_order() {
        // each arrival: account index * 100 + time offset in seconds (0..40, so times tie and go back)
        qt().withExamples(300).forAll(
                        lists().of(integers().between(0, 240)).ofSizeBetween(0, 200),
                        integers().between(1, 60),
                        integers().between(1, 9))
                .checkAssert((arrivals, bound, limit) -> {
                    InMemoryUsageLedger ledger = new InMemoryUsageLedger(bound);
                    List<UsageRecord> kept = new ArrayList<>();
                    for (int i = 0; i < arrivals.size(); i++) {
                        int a = arrivals.get(i);
                        UsageRecord record = aUsageRecord().account(ACCOUNTS.get(a / 100)).requestId("r" + i)
                                .at(T0.plusSeconds(a % 100 % 41)).build();
                        ledger.append(record);
                        kept.add(record);
                        if (kept.size() > bound) {
                            kept.remove(0);
                        }
                    }
                    assertThat(ledger.size()).isEqualTo(kept.size());
                    assertThat(ledger.dropped()).isEqualTo(arrivals.size() - kept.size());
                    // a stable sort keeps append order among equal times
                    Comparator<UsageRecord> byTime = Comparator.comparing(UsageRecord::time);
                    assertThat(ledger.all()).containsExactlyElementsOf(kept.stream().sorted(byTime).toList());
                    for (String account : ACCOUNTS) {
                        List<UsageRecord> expected = kept.stream().filter(r -> r.accountId().equals(account))
                                .sorted(byTime).toList();
                        Instant from = T0.plusSeconds(5);
                        Instant to = T0.plusSeconds(30);
                        assertThat(walk(ledger, account, from, to, limit)).containsExactlyElementsOf(expected.stream()
                                .filter(r -> !r.time().isBefore(from) && r.time().isBefore(to)).toList());
                        assertThat(walk(ledger, account, T0, T0.plusSeconds(41), limit))
                                .containsExactlyElementsOf(expected);
                    }
                });
    }

    private static List<UsageRecord> walk(InMemoryUsageLedger ledger, String account, Instant from, Instant to,
            int limit) {
        List<UsageRecord> walked = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            var page = ledger.records(account, from, to, limit, after);
            assertThat(page.records().size()).isLessThanOrEqualTo(limit);
            walked.addAll(page.records());
            after = page.next();
        } while (after.isPresent());
        return walked;
    }
}

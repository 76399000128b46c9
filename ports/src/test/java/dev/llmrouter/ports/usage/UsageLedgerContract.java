package dev.llmrouter.ports.usage;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageGroup;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageSummary;
import dev.llmrouter.domain.usage.UsageTotals;
import dev.llmrouter.ports.fixtures.Concurrently;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every behaviour a {@link UsageLedger} must have (Requirements 5.1 and 5.3): appends (one by one,
 * batched, from many threads) are all held; the totals it groups itself and the paged listing answer
 * exactly the account's records in the range. A ledger passes by extending this class with
 * {@link #newLedger}.
 */
public abstract class UsageLedgerContract {

    private static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");

    /** A new, empty ledger that keeps every record it is given. */
    protected abstract UsageLedger newLedger();

    private static List<String> ids(List<UsageRecord> records) {
        return records.stream().map(UsageRecord::requestId).toList();
    }

    @Test
    @DisplayName("totals: grouped by the dimension, highest cost first, scoped to the account and [from, to)")
    void totalsGroupedAndScoped() {
        UsageLedger ledger = newLedger();
        ledger.append(aUsageRecord().requestId("1").account("a").at(T0).creator("alice").tokens(10, 5).costNanos(100).build());
        ledger.append(aUsageRecord().requestId("2").account("a").at(T0.plusSeconds(1)).creator("bob").tokens(1, 1).costNanos(300).build());
        ledger.append(aUsageRecord().requestId("3").account("a").at(T0.plusSeconds(2)).creator("alice").tokens(20, 7).costNanos(250).build());
        ledger.append(aUsageRecord().requestId("4").account("other").at(T0).creator("alice").costNanos(9_999).build());
        ledger.append(aUsageRecord().requestId("5").account("a").at(T0.plusSeconds(10)).creator("alice").costNanos(9_999).build());
        ledger.append(aUsageRecord().requestId("6").account("a").at(T0.minusNanos(1)).creator("alice").costNanos(9_999).build());

        UsageSummary summary = ledger.totals("a", T0, T0.plusSeconds(10), UsageDimension.CREATOR);

        assertThat(summary.groups()).containsExactly(
                new UsageGroup("alice", new UsageTotals(2, 30, 12, Money.ofNanos(350))),
                new UsageGroup("bob", new UsageTotals(1, 1, 1, Money.ofNanos(300))));
        assertThat(summary.total()).isEqualTo(new UsageTotals(3, 31, 13, Money.ofNanos(650)));
        assertThat(ledger.totals("a", T0, T0, UsageDimension.CREATOR).groups()).as("an empty range").isEmpty();
        assertThat(ledger.totals("nobody", T0, T0.plusSeconds(10), UsageDimension.MODEL).total().requests()).isZero();
    }

    @Test
    @DisplayName("Requirements 8.4, 8.5: every token kind and the spillover a record carries round-trip, and totals sum each kind")
    void tokenKindsRoundTripAndSum() {
        UsageLedger ledger = newLedger();
        UsageRecord spilled = aUsageRecord().requestId("k1").account("a").at(T0).model("o4-mini")
                .tokens(new TokenUsage(1_000, 400, 600, 50, 250)).costNanos(1_234_567).deployment("paygo-eastus")
                .spilledFrom("ptu-eastus").build();
        UsageRecord plain = aUsageRecord().requestId("k2").account("a").at(T0.plusSeconds(1)).model("o4-mini")
                .tokens(new TokenUsage(100, 40, 10, 0, 5)).costNanos(7).build();
        ledger.append(spilled);
        ledger.appendAll(List.of(plain));

        assertThat(ledger.records("a", T0, T0.plusSeconds(10))).containsExactly(spilled, plain);
        UsageTotals total = ledger.totals("a", T0, T0.plusSeconds(10), UsageDimension.MODEL).total();
        assertThat(total).isEqualTo(new UsageTotals(2, new TokenUsage(1_100, 440, 610, 50, 255), Money.ofNanos(1_234_574)));
    }

    @Test
    @DisplayName("records: pages in time order, each record once, cursors stable while records are appended")
    void pagedListing() {
        UsageLedger ledger = newLedger();
        for (int i = 9; i >= 0; i--) { // appended out of time order: the ledger orders them
            ledger.append(aUsageRecord().requestId("r" + i).account("a").at(T0.plusSeconds(i)).build());
        }
        ledger.append(aUsageRecord().requestId("elsewhere").account("b").at(T0.plusSeconds(3)).build());

        List<String> seen = new ArrayList<>();
        Optional<String> after = Optional.empty();
        int pages = 0;
        do {
            UsageLedger.RecordPage page = ledger.records("a", T0, T0.plusSeconds(60), 3, after);
            assertThat(page.records()).hasSizeLessThanOrEqualTo(3);
            seen.addAll(ids(page.records()));
            after = page.next();
            if (pages++ == 0) {
                // A record placed after the cursor shows up once; one placed before it never repeats a page.
                ledger.append(aUsageRecord().requestId("new-late").account("a").at(T0.plusSeconds(30)).build());
                ledger.append(aUsageRecord().requestId("new-early").account("a").at(T0.minusSeconds(1)).build());
            }
        } while (after.isPresent());

        assertThat(seen).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "new-late");
        assertThat(ids(ledger.records("a", T0.plusSeconds(2), T0.plusSeconds(4)))).containsExactly("r2", "r3");
        assertThat(ledger.records("a", T0.plusSeconds(4), T0.plusSeconds(2))).as("a reversed range is empty").isEmpty();
    }

    @Test
    @DisplayName("appendAll holds every record of the batch, as appends one by one would")
    void batchedAppend() {
        UsageLedger ledger = newLedger();
        List<UsageRecord> batch = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            batch.add(aUsageRecord().requestId("b" + i).account("a").at(T0.plusMillis(i)).costNanos(i).build());
        }
        ledger.appendAll(batch);
        assertThat(ids(ledger.records("a", T0, T0.plusSeconds(1)))).isEqualTo(ids(batch));
        assertThat(ledger.totals("a", T0, T0.plusSeconds(1), UsageDimension.MODEL).total().cost())
                .isEqualTo(Money.ofNanos(300));
    }

    @Test
    @DisplayName("Requirement 5.1: appends from 16 threads are all held, none twice, each account's in time order")
    void concurrentAppends() throws Exception {
        UsageLedger ledger = newLedger();
        int threads = 16;
        int each = 200;
        List<String> accounts = List.of("acme", "globex", "initech");
        // thread t's i-th record is at T0 + i ms, for an account chosen by (t, i)
        Concurrently.run(threads, thread -> {
            for (int i = 0; i < each; i++) {
                ledger.append(aUsageRecord().requestId(thread + "-" + i).account(accounts.get((thread + i) % accounts.size()))
                        .at(T0.plusMillis(i)).costNanos(1).build());
            }
        });
        Set<String> seen = new HashSet<>();
        Money cost = Money.ZERO;
        for (String account : accounts) {
            List<UsageRecord> records = ledger.records(account, T0, T0.plusSeconds(60));
            assertThat(records).allMatch(r -> r.accountId().equals(account));
            assertThat(records).isSortedAccordingTo((x, y) -> x.time().compareTo(y.time()));
            records.forEach(r -> seen.add(r.requestId()));
            cost = cost.plus(ledger.totals(account, T0, T0.plusSeconds(60), UsageDimension.CREATOR).total().cost());
        }
        assertThat(seen).as("every record held, none twice").hasSize(threads * each);
        assertThat(cost).isEqualTo(Money.ofNanos(threads * each));
        // a sub-range: each millisecond holds one record per thread
        long expected = 0;
        for (int t = 0; t < threads; t++) {
            for (int i = 100; i < 110; i++) {
                expected += accounts.get((t + i) % accounts.size()).equals("acme") ? 1 : 0;
            }
        }
        assertThat(ledger.records("acme", T0.plusMillis(100), T0.plusMillis(110))).hasSize((int) expected);
    }
}

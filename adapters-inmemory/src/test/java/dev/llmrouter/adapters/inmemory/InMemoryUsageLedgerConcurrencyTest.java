package dev.llmrouter.adapters.inmemory;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.T0;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.fixtures.Concurrently;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.4 under contention: the in-memory ledger's bound holds once appends from many threads
 * have returned, with every record either held or counted as dropped, each account's records still
 * in time order. (That no record is lost or doubled and queries stay right is
 * {@code UsageLedgerContract}'s, which this ledger passes.)
 */
@DisplayName("Requirement 9.4 — the in-memory ledger's bound under appends from many threads")
class InMemoryUsageLedgerConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 5_000;
    private static final List<String> ACCOUNTS = List.of("acme", "globex", "initech");

    @Test
    void concurrent_appends_respect_the_bound_once_they_return() throws Exception {
        int max = 1_000;
        InMemoryUsageLedger ledger = new InMemoryUsageLedger(max);

        runConcurrently(ledger);

        long kept = 0;
        for (String account : ACCOUNTS) {
            List<UsageRecord> records = ledger.records(account, T0, T0.plusSeconds(PER_THREAD));
            assertThat(records).allMatch(r -> r.accountId().equals(account));
            assertThat(records).isSortedAccordingTo((a, b) -> a.time().compareTo(b.time()));
            kept += records.size();
        }
        assertThat(kept).isEqualTo(max);
        assertThat(ledger.size()).isEqualTo(max);
        assertThat(ledger.size() + ledger.dropped()).isEqualTo((long) THREADS * PER_THREAD);
        // and whatever the races left, the next max appends replace everything held before them
        for (int i = 0; i < max; i++) {
            ledger.append(aUsageRecord().account("acme").requestId("after-" + i).at(T0.plusSeconds(PER_THREAD + i)).build());
        }
        assertThat(ledger.all()).extracting(UsageRecord::requestId).allMatch(id -> id.startsWith("after-"));
        assertThat(ledger.size()).isEqualTo(max);
    }

    /** Thread t's i-th record is at T0 + i seconds, for an account chosen by (t, i). */
    private static void runConcurrently(InMemoryUsageLedger ledger) throws Exception {
        Concurrently.run(THREADS, thread -> {
            for (int i = 0; i < PER_THREAD; i++) {
                ledger.append(aUsageRecord().account(account(thread, i)).requestId(thread + "-" + i)
                        .at(T0.plusSeconds(i)).build());
            }
        });
    }

    private static String account(int thread, int i) {
        return ACCOUNTS.get((thread + i) % ACCOUNTS.size());
    }
}

package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.T0;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 5.1 under contention: many threads appending at once lose no record, every query answers
 * the right account's records in time order; and (Requirement 9.4) the bound holds once appends have
 * returned, with every record either held or counted as dropped.
 */
@DisplayName("Requirement 5.1, Requirement 9.4 — ledger appends from many threads")
class InMemoryUsageLedgerConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 5_000;
    private static final List<String> ACCOUNTS = List.of("acme", "globex", "initech");

    @Test
    void concurrent_appends_lose_nothing_and_queries_stay_correct() throws Exception {
        InMemoryUsageLedger ledger = new InMemoryUsageLedger();

        runConcurrently(ledger);

        assertThat(ledger.size()).isEqualTo((long) THREADS * PER_THREAD);
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (String account : ACCOUNTS) {
            List<UsageRecord> records = ledger.records(account, T0, T0.plusSeconds(PER_THREAD));
            assertThat(records).allMatch(r -> r.accountId().equals(account));
            assertThat(records).isSortedAccordingTo((a, b) -> a.time().compareTo(b.time()));
            records.forEach(r -> seen.add(r.requestId()));
            total += records.size();
        }
        assertThat(total).isEqualTo((long) THREADS * PER_THREAD);
        assertThat(seen).hasSize(THREADS * PER_THREAD);

        // a sub-range: second i holds one record per thread
        List<UsageRecord> window = ledger.records("acme", T0.plusSeconds(100), T0.plusSeconds(110));
        long expected = 0;
        for (int t = 0; t < THREADS; t++) {
            for (int i = 100; i < 110; i++) {
                if (account(t, i).equals("acme")) {
                    expected++;
                }
            }
        }
        assertThat(window).hasSize((int) expected);
    }

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
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                        ledger.append(aUsageRecord().account(account(thread, i)).requestId(thread + "-" + i)
                                .at(T0.plusSeconds(i)).build());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String account(int thread, int i) {
        return ACCOUNTS.get((thread + i) % ACCOUNTS.size());
    }
}

package dev.llmrouter.adapters.jdbc;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.llmrouter.domain.usage.UsageRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property 25 (Requirements 7.1, 7.4): for any crash point, every acknowledged record is in the ledger
 * exactly once after recovery.
 *
 * <p>Each case appends records one by one while the database goes down and comes back on a generated
 * schedule, and kills the committer at a generated point: the n-th time it reaches one of the
 * {@link Checkpoint}s (after the batch insert and before its commit, after the commit and before the
 * acknowledgements, after a spool write, before or after a spool chunk's commit). A dead committer
 * acknowledges nothing more, as a dead process would. Optionally a torn write is left at the end of the
 * spool. Then a new ledger starts on the same database and spool directory, with the database up, and
 * ships the spool: every record whose append returned is listed exactly once, and nothing else appears
 * but records that were attempted.
 */
@DisplayName("Property 25: for any crash point, every acknowledged record is there exactly once after recovery")
class Property25CrashRecoveryTest {

    private static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");
    private static final int RECORDS = 12;
    private static final Checkpoint[] POINTS = Checkpoint.values();
    private static final AtomicInteger CASES = new AtomicInteger();

    @TempDir
    Path dir;

    /** Ends the committer where it is, as the process's death would. */
    private static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash() {
            super("simulated crash", null, false, false);
        }
    }

    @Test
    void everyAcknowledgedRecordSurvivesACrashExactlyOnce() {
        qt().withExamples(40).forAll(
                        integers().between(0, POINTS.length * 3 - 1),
                        integers().between(0, RECORDS),
                        integers().between(0, RECORDS),
                        booleans().all())
                .checkAssert((crash, downFrom, downFor, torn) ->
                        crashAndRecover(POINTS[crash % POINTS.length], 1 + crash / POINTS.length, downFrom,
                                downFrom + downFor, torn));
    }

    private void crashAndRecover(Checkpoint point, int occurrence, int downFrom, int downUntil, boolean torn) {
        int n = CASES.incrementAndGet();
        Path spool = dir.resolve("spool-" + n);
        SwitchableDataSource database = new SwitchableDataSource("jdbc:h2:mem:crash-" + n + ";DB_CLOSE_DELAY=-1");
        AtomicInteger reached = new AtomicInteger();
        Checkpoint.Observer crashAt = p -> {
            if (p == point && reached.incrementAndGet() == occurrence) {
                throw new Crash();
            }
        };
        List<UsageRecord> acknowledged = new ArrayList<>();
        Set<String> attempted = new HashSet<>();
        try (JdbcUsageLedger ledger = JdbcUsageLedger.builder(database).spoolDirectory(spool)
                .retryInterval(Duration.ZERO).appendTimeout(Duration.ofSeconds(10)).checkpoints(crashAt).build()) {
            for (int i = 0; i < RECORDS; i++) {
                if (i == downFrom) {
                    database.down();
                }
                if (i == downUntil) {
                    database.up();
                }
                UsageRecord r = aUsageRecord().requestId("c" + n + "-" + i).account("a").at(T0.plusMillis(i))
                        .costNanos(i).build();
                attempted.add(r.requestId());
                try {
                    ledger.append(r);
                    acknowledged.add(r);
                } catch (UsageLedgerUnavailableException refused) {
                    break; // the committer is dead: the process would be too
                }
            }
        }
        if (torn) {
            try {
                Files.writeString(spool.resolve(UsageSpool.FILE_NAME), "1234abcd torn", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        database.up();
        try (JdbcUsageLedger recovered = JdbcUsageLedger.builder(database).spoolDirectory(spool).build()) {
            assertThat(recovered.awaitSpoolShipped(Duration.ofSeconds(30))).isTrue();
            List<UsageRecord> held = recovered.records("a", T0, T0.plusSeconds(60));
            List<String> ids = held.stream().map(UsageRecord::requestId).toList();
            assertThat(ids).as("no record twice").doesNotHaveDuplicates();
            assertThat(held).as("every acknowledged record, crash at %s #%d, down [%d, %d), torn %s",
                    point, occurrence, downFrom, downUntil, torn).containsAll(acknowledged);
            assertThat(attempted).as("nothing but attempted records").containsAll(ids);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

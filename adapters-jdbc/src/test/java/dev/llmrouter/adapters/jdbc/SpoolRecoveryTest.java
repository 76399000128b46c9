package dev.llmrouter.adapters.jdbc;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirement 7.1: a spool left by a previous process is replayed at start; a torn last write is cut
 * and a damaged line skipped (neither was acknowledged), and the records around them ship.
 */
@DisplayName("Requirement 7.1: a spool left behind is replayed at start, torn and damaged lines skipped")
class SpoolRecoveryTest {

    private static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    private final SwitchableDataSource database =
            new SwitchableDataSource("jdbc:h2:mem:spool-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");

    private JdbcUsageLedger ledger(LedgerListener listener) {
        return JdbcUsageLedger.builder(database).spoolDirectory(dir).retryInterval(Duration.ZERO).listener(listener).build();
    }

    @Test
    @DisplayName("records spooled by a process that stopped ship at the next start; a torn tail is cut, later writes unharmed")
    void replayedAtStart() throws Exception {
        database.down();
        List<UsageRecord> acknowledged = new ArrayList<>();
        try (JdbcUsageLedger first = ledger(LedgerListener.NONE)) {
            for (int i = 0; i < 5; i++) {
                acknowledged.add(record(i));
                first.append(acknowledged.get(i));
            }
            assertThat(first.spoolBacklog()).isEqualTo(5);
        }
        // a write torn by a crash: no line break, never acknowledged
        Files.writeString(dir.resolve(UsageSpool.FILE_NAME), "0badc0de half a rec", StandardOpenOption.APPEND);

        try (JdbcUsageLedger second = ledger(LedgerListener.NONE)) {
            assertThat(second.spoolBacklog()).isEqualTo(5);
            acknowledged.add(record(5));
            second.append(acknowledged.get(5)); // still down: spooled after the cut tail, on a line of its own

            database.up();
            assertThat(second.awaitSpoolShipped(Duration.ofSeconds(30))).isTrue();
            assertThat(second.records("a", T0, T0.plusSeconds(60))).containsExactlyElementsOf(acknowledged);
            assertThat(Files.size(dir.resolve(UsageSpool.FILE_NAME))).isZero();
        }
    }

    @Test
    @DisplayName("a line whose checksum fails is skipped and reported; the others ship")
    void damagedLineSkipped() throws Exception {
        database.down();
        try (JdbcUsageLedger first = ledger(LedgerListener.NONE)) {
            first.appendAll(List.of(record(0), record(1), record(2)));
        }
        Path file = dir.resolve(UsageSpool.FILE_NAME);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        lines.set(1, lines.get(1).replace("r-1", "r-X")); // payload changed, checksum not
        Files.write(file, lines, StandardCharsets.UTF_8);

        AtomicInteger skipped = new AtomicInteger();
        database.up();
        try (JdbcUsageLedger second = ledger(new LedgerListener() {
            @Override
            public void spoolLinesSkipped(int n) {
                skipped.addAndGet(n);
            }
        })) {
            assertThat(second.awaitSpoolShipped(Duration.ofSeconds(30))).isTrue();
            assertThat(skipped).hasValue(1);
            assertThat(second.records("a", T0, T0.plusSeconds(60))).containsExactly(record(0), record(2));
        }
    }

    private static UsageRecord record(int n) {
        return aUsageRecord().requestId("r-" + n).account("a").at(T0.plusMillis(n)).creator("c\tx\n%" + n)
                .costNanos(n).build();
    }
}

package dev.llmrouter.adapters.jdbc;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requirement 7.6: a ledger in an H2 file keeps its records across a restart (a new pool, a new ledger, the same file). */
@DisplayName("Requirement 7.6: an H2 file ledger keeps its records across a restart")
class H2FileRestartTest {

    private static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");

    @TempDir
    Path dir;

    private JdbcUsageLedger open() {
        return JdbcUsageLedger.builder(JdbcUsageLedger.pool(JdbcUsageLedger.h2FileUrl(dir.resolve("usage")), "sa", ""))
                .closesDataSource()
                .spoolDirectory(dir.resolve("spool"))
                .build();
    }

    @Test
    @DisplayName("records and totals are the same after the restart, and appends go on")
    void restartKeepsRecords() {
        List<UsageRecord> records = List.of(
                aUsageRecord().requestId("h-1").account("a").at(T0).creator("alice").costNanos(123_456_789).build(),
                aUsageRecord().requestId("h-2").account("a").at(T0.plusNanos(1)).creator("bob").costNanos(1).build());
        UsageSummary before;
        try (JdbcUsageLedger ledger = open()) {
            ledger.appendAll(records);
            before = ledger.totals("a", T0, T0.plusSeconds(1), UsageDimension.CREATOR);
        }

        try (JdbcUsageLedger ledger = open()) {
            assertThat(ledger.records("a", T0, T0.plusSeconds(1))).containsExactlyElementsOf(records);
            assertThat(ledger.totals("a", T0, T0.plusSeconds(1), UsageDimension.CREATOR)).isEqualTo(before);
            ledger.append(records.get(0));
            assertThat(ledger.records("a", T0, T0.plusSeconds(1))).hasSize(2);
        }
    }
}

package dev.llmrouter.adapters.jdbc;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.jdbc.fixtures.EmbeddedPostgresServer;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requirement 7.1: a record written twice (a retry, a replay) is stored once, by its request id, on both databases. */
@DisplayName("Requirement 7.1: a record written twice is stored once")
class IdempotentAppendTest {

    private static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    @DisplayName("on PostgreSQL (INSERT ... ON CONFLICT DO NOTHING)")
    void postgres() {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        writeTwiceStoresOnce(JdbcUsageLedger.pool(server.newDatabase(), server.user(), server.password()));
    }

    @Test
    @DisplayName("on H2 (MERGE ... WHEN NOT MATCHED)")
    void h2() {
        writeTwiceStoresOnce(JdbcUsageLedger.pool(JdbcUsageLedger.h2FileUrl(dir.resolve("ledger")), "sa", ""));
    }

    private void writeTwiceStoresOnce(DataSource pool) {
        try (JdbcUsageLedger ledger = JdbcUsageLedger.builder(pool).closesDataSource().spoolDirectory(dir.resolve("spool")).build()) {
            UsageRecord first = aUsageRecord().requestId("req-a").account("a").at(T0).costNanos(700).build();
            UsageRecord other = aUsageRecord().requestId("req-b").account("a").at(T0.plusSeconds(1)).costNanos(50).build();

            ledger.append(first);
            ledger.append(first);
            ledger.appendAll(List.of(first, other, other)); // duplicates within one batch, too

            assertThat(ledger.records("a", T0, T0.plusSeconds(60))).containsExactly(first, other);
            assertThat(ledger.totals("a", T0, T0.plusSeconds(60), UsageDimension.MODEL).total().cost())
                    .isEqualTo(Money.ofNanos(750));
        }
    }
}

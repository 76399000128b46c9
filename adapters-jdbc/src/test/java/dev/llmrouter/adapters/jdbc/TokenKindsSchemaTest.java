package dev.llmrouter.adapters.jdbc;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageTotals;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirements 8.4 and 8.5 on a database that held records before token kinds existed: a ledger started
 * on a schema at V1 migrates it to V2, its old records read as having no cached, cache-write or
 * reasoning tokens and no spillover, and new records keep every kind beside them; a spool line
 * written before the kinds existed reads the same way, and a new one round-trips them.
 */
@DisplayName("Requirements 8.4/8.5: token kinds and spillover added to a ledger that already held records")
class TokenKindsSchemaTest {

    private static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path dir;

    @Test
    @DisplayName("a V1 database migrates at start: old records read with no kinds, new ones keep theirs, totals sum both")
    void aV1DatabaseMigrates() throws SQLException {
        // given a database at V1 holding a record written then
        SwitchableDataSource database =
                new SwitchableDataSource("jdbc:h2:mem:kinds-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(database).locations("classpath:dev/llmrouter/adapters/jdbc/migration")
                .table("usage_ledger_schema_history").target("1").load().migrate();
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO usage_record (request_id, time_nanos, account_id, creator, plan_id, operation,"
                    + " requested_tier, tier, model, deployment, region, input_tokens, output_tokens, cost_nanos,"
                    + " latency_nanos, ttft_nanos, outcome, path) VALUES ('old', " + UsageRows.epochNanos(T0)
                    + ", 'a', 'alice', 'pro', 'summarize', NULL, 'standard', 'gpt-4o', 'gpt-4o-eastus', 'eastus',"
                    + " 100, 20, 1000, 250000000, NULL, 'SUCCESS', 'gpt-4o-eastus:SUCCESS')");
        }
        UsageRecord spilled = aUsageRecord().requestId("new").account("a").at(T0.plusSeconds(1))
                .tokens(new TokenUsage(1_000, 400, 600, 50, 250)).costNanos(5_000).deployment("gpt-4o-paygo")
                .spilledFrom("gpt-4o-ptu").build();

        // when a ledger starts on it and a record of every kind is appended
        try (JdbcUsageLedger ledger = JdbcUsageLedger.builder(database).spoolDirectory(dir).build()) {
            ledger.append(spilled);

            // then
            assertThat(ledger.records("a", T0, T0.plusSeconds(60))).containsExactly(
                    aUsageRecord().requestId("old").account("a").at(T0).tokens(100, 20).costNanos(1_000).build(),
                    spilled);
            assertThat(ledger.totals("a", T0, T0.plusSeconds(60), UsageDimension.MODEL).total())
                    .isEqualTo(new UsageTotals(2, new TokenUsage(1_100, 420, 600, 50, 250), Money.ofNanos(6_000)));
        }
    }

    @Test
    @DisplayName("a spool line carries every kind and the spillover; a line spooled before them reads with none")
    void spoolLinesOfEitherShapeRead() {
        UsageRecord spilled = aUsageRecord().requestId("s\t1").tokens(new TokenUsage(1_000, 400, 600, 50, 250))
                .spilledFrom("ptu\tname").build();
        assertThat(FieldText.record(FieldText.line(spilled))).isEqualTo(spilled);

        UsageRecord plain = aUsageRecord().requestId("p1").build();
        String[] fields = FieldText.line(plain).split("\t", -1);
        String before = String.join("\t", java.util.Arrays.copyOf(fields, 18));
        assertThat(FieldText.record(before)).isEqualTo(plain);
    }
}

package dev.llmrouter.adapters.jdbc;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.adapters.jdbc.fixtures.EmbeddedPostgresServer;
import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirement 7.1 with a real PostgreSQL that stops: while it is down, appends are acknowledged from
 * the local spool; queries refuse rather than answer without the spooled records; once it is back,
 * the spool ships and every record is in the database exactly once.
 */
@DisplayName("Requirement 7.1: PostgreSQL stopped and started, the spool takes the records and ships them once")
class PostgresOutageSpoolTest {

    private static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");

    @TempDir
    Path spool;

    @Test
    @DisplayName("appends during the outage are acknowledged from the spool and shipped exactly once when it ends")
    void outage() throws Exception {
        AtomicInteger spooled = new AtomicInteger();
        AtomicInteger shipped = new AtomicInteger();
        AtomicInteger outages = new AtomicInteger();
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start();
                JdbcUsageLedger ledger = JdbcUsageLedger.builder(
                                JdbcUsageLedger.pool(server.jdbcUrl(), server.user(), server.password()))
                        .closesDataSource()
                        .spoolDirectory(spool)
                        .retryInterval(Duration.ofMillis(100))
                        .listener(new LedgerListener() {
                            @Override
                            public void spooled(int records) {
                                spooled.addAndGet(records);
                            }

                            @Override
                            public void shipped(int records) {
                                shipped.addAndGet(records);
                            }

                            @Override
                            public void databaseUnavailable(Exception cause) {
                                outages.incrementAndGet();
                            }
                        })
                        .build()) {
            List<UsageRecord> written = new ArrayList<>();
            written.add(record(0));
            ledger.append(written.get(0));

            // given the database stopped
            server.stop();

            // when records are appended: each returns, from the spool
            for (int i = 1; i <= 20; i++) {
                written.add(record(i));
                ledger.append(written.get(i));
            }
            assertThat(spooled).hasValue(20);
            assertThat(ledger.spoolBacklog()).isEqualTo(20);
            assertThat(outages).hasValue(1);
            assertThatThrownBy(() -> ledger.totals("a", T0, T0.plusSeconds(60), UsageDimension.MODEL))
                    .isInstanceOf(UsageLedgerUnavailableException.class)
                    .hasMessageContaining("spool");

            // then, the database back, the spool ships and every record is there once
            server.startAgain();
            assertThat(ledger.awaitSpoolShipped(Duration.ofSeconds(60))).isTrue();
            assertThat(shipped).hasValue(20);
            assertThat(ledger.records("a", T0, T0.plusSeconds(60))).containsExactlyElementsOf(written);
            assertThat(ledger.totals("a", T0, T0.plusSeconds(60), UsageDimension.MODEL).total().requests()).isEqualTo(21);

            ledger.append(record(21));
            assertThat(ledger.records("a", T0, T0.plusSeconds(60))).hasSize(22);
        }
    }

    private static UsageRecord record(int n) {
        return aUsageRecord().requestId("pg-" + n).account("a").at(T0.plusMillis(n)).costNanos(n).build();
    }
}

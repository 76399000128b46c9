package dev.llmrouter.adapters.jdbc;

import dev.llmrouter.adapters.jdbc.fixtures.EmbeddedPostgresServer;
import dev.llmrouter.ports.usage.UsageLedger;
import dev.llmrouter.ports.usage.UsageLedgerContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/** Requirements 5.1, 5.3 and 7.1: the ledger contract on a real PostgreSQL 17.5, each test on a database of its own. */
@DisplayName("JdbcUsageLedger on PostgreSQL keeps the ledger contract")
class PostgresUsageLedgerContractTest extends UsageLedgerContract {

    @TempDir
    Path spools;

    private final List<JdbcUsageLedger> open = new ArrayList<>();

    @Override
    protected UsageLedger newLedger() {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        JdbcUsageLedger ledger = JdbcUsageLedger.builder(
                        JdbcUsageLedger.pool(server.newDatabase(), server.user(), server.password()))
                .closesDataSource()
                .spoolDirectory(spools.resolve("spool-" + open.size()))
                .build();
        open.add(ledger);
        return ledger;
    }

    @AfterEach
    void close() {
        open.forEach(JdbcUsageLedger::close);
    }
}

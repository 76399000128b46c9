package dev.llmrouter.adapters.jdbc;

import dev.llmrouter.ports.usage.UsageLedger;
import dev.llmrouter.ports.usage.UsageLedgerContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/** Requirements 5.1, 5.3, 7.1 and 7.6: the ledger contract on an H2 file database in a temporary directory. */
@DisplayName("JdbcUsageLedger on an H2 file keeps the ledger contract")
class H2UsageLedgerContractTest extends UsageLedgerContract {

    @TempDir
    Path dir;

    private final List<JdbcUsageLedger> open = new ArrayList<>();

    @Override
    protected UsageLedger newLedger() {
        int n = open.size();
        JdbcUsageLedger ledger = JdbcUsageLedger.builder(
                        JdbcUsageLedger.pool(JdbcUsageLedger.h2FileUrl(dir.resolve("ledger-" + n)), "sa", ""))
                .closesDataSource()
                .spoolDirectory(dir.resolve("spool-" + n))
                .build();
        open.add(ledger);
        return ledger;
    }

    @AfterEach
    void close() {
        open.forEach(JdbcUsageLedger::close);
    }
}

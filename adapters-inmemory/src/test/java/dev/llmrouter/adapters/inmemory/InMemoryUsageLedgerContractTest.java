package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.usage.UsageLedger;
import dev.llmrouter.ports.usage.UsageLedgerContract;
import org.junit.jupiter.api.DisplayName;

/** Requirements 5.1 and 5.3: the ledger contract, on an unbounded {@link InMemoryUsageLedger}. */
@DisplayName("InMemoryUsageLedger keeps the ledger contract")
class InMemoryUsageLedgerContractTest extends UsageLedgerContract {
    @Override
    protected UsageLedger newLedger() {
        return new InMemoryUsageLedger();
    }
}

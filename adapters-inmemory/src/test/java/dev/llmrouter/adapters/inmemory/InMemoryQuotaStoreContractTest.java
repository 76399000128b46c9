package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;

/** Property 17, leases, idempotent ends: the quota store contract, on {@link InMemoryQuotaStore}. */
@DisplayName("InMemoryQuotaStore keeps the quota store contract")
class InMemoryQuotaStoreContractTest extends QuotaStoreContract {
    @Override
    protected QuotaStore newStore(FakeClock clock) {
        return new InMemoryQuotaStore(clock, Duration.ofHours(1), QuotaSeed.NONE);
    }
}

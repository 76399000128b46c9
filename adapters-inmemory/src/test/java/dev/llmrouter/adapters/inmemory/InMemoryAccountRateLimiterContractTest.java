package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.AccountRateLimiterContract;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;

/** Requirement 5.5: the rate-limit guarantee, on {@link InMemoryAccountRateLimiter}. */
@DisplayName("InMemoryAccountRateLimiter keeps the rate limiter contract")
class InMemoryAccountRateLimiterContractTest extends AccountRateLimiterContract {
    @Override
    protected AccountRateLimiter newLimiter(FakeClock clock) {
        return new InMemoryAccountRateLimiter(clock::nanos, Duration.ofMinutes(10),
                InMemoryAccountRateLimiter.DEFAULT_GRANULARITY);
    }
}

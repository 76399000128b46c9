package dev.llmrouter.adapters.redis;

import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.AccountRateLimiterContract;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link AccountRateLimiterContract} (Requirements 5.5 and 7.3: never more than the limit in any
 * rolling minute, Retry-After exact to the second, both or neither, 16 threads) on
 * {@link RedisAccountRateLimiter} against a real Redis 6.2.6, the script reading the contract's fake clock.
 */
class RedisAccountRateLimiterContractTest extends AccountRateLimiterContract {

    private final EmbeddedRedis server = EmbeddedRedis.shared();
    private RedisLink link;

    @Override
    protected AccountRateLimiter newLimiter(FakeClock clock) {
        server.flushAll();
        if (link == null) {
            link = RedisLink.open(RedisSettings.of(server.uri()));
        }
        return new RedisAccountRateLimiter(link, RedisClock.caller(clock), RedisAccountRateLimiter.DEFAULT_GRANULARITY);
    }

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
    }
}

package dev.llmrouter.adapters.redis;

import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/**
 * {@link QuotaStoreContract} (Property 17 under 16 threads, leases, idempotent end; Requirements 5.4,
 * 7.2 and 7.4) on {@link RedisQuotaStore} against a real Redis 6.2.6, the scripts reading the contract's
 * fake clock.
 */
class RedisQuotaStoreContractTest extends QuotaStoreContract {

    private final EmbeddedRedis server = EmbeddedRedis.shared();
    private RedisLink link;

    @Override
    protected QuotaStore newStore(FakeClock clock) {
        server.flushAll();
        if (link == null) {
            link = RedisLink.open(RedisSettings.of(server.uri()));
        }
        return new RedisQuotaStore(link, RedisClock.caller(clock), QuotaSeed.NONE, Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
    }
}

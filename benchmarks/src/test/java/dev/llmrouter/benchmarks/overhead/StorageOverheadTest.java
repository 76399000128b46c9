package dev.llmrouter.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.config.StorageSettings.LedgerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage option of the overhead harness: each store's configuration is one the gateway reads as
 * meant (the in-memory ledger, the H2 file default, PostgreSQL with Redis), every request is admitted
 * under a quota and a rate limit, and the commit wait's percentiles come out of the gateway's
 * histogram readings over exactly the measured interval.
 */
@DisplayName("Overhead harness, storage option: configurations and the commit wait's percentiles")
class StorageOverheadTest {

    private static final Map<String, String> ENV = Map.of("BENCH_UPSTREAM_URL", "http://127.0.0.1:9",
            "BENCH_UPSTREAM_KEY", "k", "BENCH_PG_PASSWORD", "p");

    @Test
    void each_storage_configuration_is_read_as_that_store_with_a_quota_and_a_rate_limit(@TempDir Path dir) throws Exception {
        ConfigLoader loader = new ConfigLoader(ENV::get).withDataDir(dir.resolve("data"));

        GatewayConfig memory = parse(loader, StorageOverhead.writeConfig(dir, StorageOverhead.Storage.IN_MEMORY,
                "storage:\n  ledger: { kind: memory }\n"));
        GatewayConfig file = parse(loader, StorageOverhead.writeConfig(dir, StorageOverhead.Storage.H2_FILE, ""));
        GatewayConfig shared = parse(loader, StorageOverhead.writeConfig(dir, StorageOverhead.Storage.POSTGRES_REDIS,
                "storage:\n  ledger:\n    url: \"jdbc:postgresql://db.invalid/db\"\n    user: u\n"
                        + "    password: ${BENCH_PG_PASSWORD}\n  redis: { url: \"redis://redis.invalid\" }\n"));

        assertThat(memory.storage().ledger()).isInstanceOf(LedgerStore.InMemory.class);
        assertThat(file.storage().ledger()).isInstanceOf(LedgerStore.EmbeddedFile.class);
        assertThat(shared.storage().ledger()).isInstanceOf(LedgerStore.Jdbc.class);
        assertThat(shared.storage().redis()).isPresent();
        assertThat(memory.plans().values()).allSatisfy(plan -> {
            assertThat(plan.rateLimits().limitsRequests()).isTrue();
            assertThat(plan.quota().isUnlimited()).isFalse();
        });
    }

    @Test
    void the_commit_waits_percentiles_are_those_of_the_requests_between_two_readings() {
        // given 100 waits in the first bucket before, then 100 more spread over three buckets
        NavigableMap<Double, Long> before = buckets(100, 100, 100, 100);
        NavigableMap<Double, Long> after = buckets(100 + 20, 100 + 90, 100 + 100, 100 + 100);

        // when
        StorageOverhead.Wait wait = StorageOverhead.waitBetween(before, after);

        // then only the 100 new ones count: the 50th falls 30/70 into (1 ms, 2 ms], the 99th 9/10 into (2 ms, 4 ms]
        assertThat(wait.count()).isEqualTo(100);
        assertThat(wait.p50Ms()).isCloseTo(1 + 30.0 / 70, within(1e-9));
        assertThat(wait.p99Ms()).isCloseTo(2 + 2 * 0.9, within(1e-9));
        assertThat(StorageOverhead.waitBetween(before, new TreeMap<>())).isEqualTo(StorageOverhead.Wait.NONE);
        assertThat(StorageOverhead.waitBetween(before, before)).isEqualTo(StorageOverhead.Wait.NONE);
    }

    /** Cumulative counts at 1 ms, 2 ms, 4 ms and +Inf. */
    private static NavigableMap<Double, Long> buckets(long at1, long at2, long at4, long atInf) {
        NavigableMap<Double, Long> b = new TreeMap<>();
        b.put(0.001, at1);
        b.put(0.002, at2);
        b.put(0.004, at4);
        b.put(Double.POSITIVE_INFINITY, atInf);
        return b;
    }

    private static GatewayConfig parse(ConfigLoader loader, Path config) throws Exception {
        return loader.parse(Files.readString(config), config.toString());
    }
}

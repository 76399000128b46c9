package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.app.config.StorageSettings.LedgerStore;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.routing.UnavailableStorePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 7.5 and 7.6, as configured: the {@code storage:} section binds to {@link StorageSettings}
 * (a JDBC ledger with its password from the environment, Redis, a failure policy per store, the
 * spool), its absence gives the embedded default's H2 file ledger under the data directory, and a
 * wrong section is refused with every problem at its path, the password never quoted.
 */
@DisplayName("Requirements 7.5, 7.6 — the storage: section, its defaults and its problems by path")
class StorageConfigTest {

    private static final Map<String, String> ENV = Map.of("DB_PASSWORD", "s3cret-db-pass");

    private static String embeddedYaml() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(ConfigLoader.EMBEDDED_DEFAULT)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StorageSettings storageOf(ConfigLoader loader, String storageSection) {
        return loader.parse(embeddedYaml() + "\n" + storageSection, "t.yaml").storage();
    }

    private static List<String> problemsOf(ConfigLoader loader, String storageSection) {
        try {
            loader.parse(embeddedYaml() + "\n" + storageSection, "t.yaml");
        } catch (InvalidConfigException e) {
            assertThat(e.report()).doesNotContain("s3cret-db-pass");
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    @Test
    void without_a_storage_section_the_ledger_is_an_h2_file_under_the_data_directory() {
        // given a loader with a data directory, as the jar has (Requirement 7.6)
        ConfigLoader loader = new ConfigLoader(ENV::get).withDataDir(Path.of("/var/lib/router"));

        // when the embedded default is read
        StorageSettings storage = loader.loadEmbeddedDefault().storage();

        // then its ledger is a file there, quotas and rate limits stay in the process and fail closed
        assertThat(storage.ledger()).isEqualTo(new LedgerStore.EmbeddedFile(Path.of("/var/lib/router")));
        assertThat(storage.redis()).isEmpty();
        assertThat(storage.quota()).isEqualTo(UnavailableStorePolicy.FAIL_CLOSED);
        assertThat(storage.rateLimit()).isEqualTo(UnavailableStorePolicy.FAIL_CLOSED);
        assertThat(storage.spoolDir()).contains(Path.of("/var/lib/router/spool"));
    }

    @Test
    void a_loader_without_a_data_directory_keeps_the_ledger_in_memory() {
        assertThat(new ConfigLoader(ENV::get).loadEmbeddedDefault().storage().ledger()).isInstanceOf(LedgerStore.InMemory.class);
    }

    @Test
    void a_full_section_binds_the_jdbc_ledger_redis_the_policies_and_the_spool() {
        // given PostgreSQL and Redis, the password from the environment, the rate limit failing open
        String section = """
                storage:
                  ledger:
                    url: jdbc:postgresql://db.internal/llmrouter
                    user: llmrouter
                    password: ${DB_PASSWORD}
                    pool-size: 16
                  redis:
                    url: redis://redis.internal/0
                    command-timeout: 200ms
                  quota:
                    when-unavailable: fail-closed
                    retry-after: 5s
                    lease: 2m
                  rate-limit:
                    when-unavailable: fail-open
                  spool-dir: /var/spool/llm-router
                """;

        // when it is read
        StorageSettings storage = storageOf(new ConfigLoader(ENV::get), section);

        // then every key is where it belongs
        assertThat(storage.ledger()).isEqualTo(new LedgerStore.Jdbc("jdbc:postgresql://db.internal/llmrouter",
                Optional.of("llmrouter"), Optional.of(new Secret("s3cret-db-pass")), 16));
        assertThat(storage.ledger().toString()).doesNotContain("s3cret-db-pass");
        assertThat(storage.redis()).contains(new StorageSettings.RedisSettings(URI.create("redis://redis.internal/0"),
                Duration.ofMillis(200)));
        assertThat(storage.quota()).isEqualTo(UnavailableStorePolicy.failClosed(Duration.ofSeconds(5)));
        assertThat(storage.rateLimit()).isEqualTo(UnavailableStorePolicy.FAIL_OPEN);
        assertThat(storage.spoolDir()).contains(Path.of("/var/spool/llm-router"));
        assertThat(storage.quotaLease()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void absent_keys_take_their_defaults() {
        StorageSettings storage = storageOf(new ConfigLoader(ENV::get).withDataDir(Path.of("data")), """
                storage:
                  ledger: { url: "jdbc:postgresql://db/llmrouter" }
                  redis: { url: "redis://localhost" }
                """);

        assertThat(storage.ledger()).isEqualTo(new LedgerStore.Jdbc("jdbc:postgresql://db/llmrouter", Optional.empty(),
                Optional.empty(), StorageSettings.DEFAULT_POOL_SIZE));
        assertThat(storage.redis().orElseThrow().commandTimeout()).isEqualTo(StorageSettings.DEFAULT_COMMAND_TIMEOUT);
        assertThat(storage.quota()).isEqualTo(UnavailableStorePolicy.FAIL_CLOSED);
        assertThat(storage.rateLimit()).isEqualTo(UnavailableStorePolicy.FAIL_CLOSED);
        assertThat(storage.spoolDir()).contains(Path.of("data/spool"));
        assertThat(storage.quotaLease()).isEqualTo(QuotaStore.DEFAULT_LEASE);
    }

    @Test
    void a_quota_lease_must_outlive_the_request_deadline() {
        // given the embedded default's request deadline (30 s) and leases at, below and far below it
        ConfigLoader loader = new ConfigLoader(ENV::get).withDataDir(Path.of("d"));
        String shared = "storage:\n  ledger: { url: \"jdbc:postgresql://db/x\" }\n";

        // then a lease no longer than the deadline is refused (a slow request's settle would find its
        // reservation gone), one of no length is out of range, and one past the deadline is taken
        assertThat(problemsOf(loader, shared + "  quota: { lease: 30s }\n"))
                .containsExactly("storage.quota.lease: must be longer than retry.request-deadline (PT30S)");
        assertThat(problemsOf(loader, shared + "  quota: { lease: 0s }\n"))
                .anyMatch(p -> p.startsWith("storage.quota.lease: must be between"));
        assertThat(storageOf(loader, shared + "  quota: { lease: 31s }\n").quotaLease()).isEqualTo(Duration.ofSeconds(31));
    }

    @Test
    void redis_needs_a_shared_ledger_to_rebuild_a_month_from() {
        assertThat(problemsOf(new ConfigLoader(ENV::get).withDataDir(Path.of("d")), "storage:\n  redis: { url: \"redis://r\" }\n"))
                .containsExactly("storage.redis: needs a ledger every replica shares (storage.ledger.url)");
    }

    @Test
    void kind_memory_keeps_the_ledger_in_memory_even_with_a_data_directory() {
        ConfigLoader loader = new ConfigLoader(ENV::get).withDataDir(Path.of("d"));

        assertThat(storageOf(loader, "storage:\n  ledger: { kind: memory }\n").ledger()).isInstanceOf(LedgerStore.InMemory.class);
        assertThat(problemsOf(loader, "storage:\n  ledger: { kind: memory, url: \"jdbc:postgresql://db/x\" }\n"))
                .containsExactly("storage.ledger.url: is not read by the in-memory ledger (kind: memory)");
        assertThat(problemsOf(loader, "storage:\n  ledger: { kind: memory }\n  redis: { url: \"redis://r\" }\n"))
                .containsExactly("storage.redis: needs a ledger every replica shares (storage.ledger.url)");
        assertThat(problemsOf(loader, "storage:\n  ledger: { kind: disk }\n"))
                .anyMatch(p -> p.startsWith("storage.ledger.kind: unknown value 'disk'"));
    }

    @Test
    void every_mistake_of_the_section_is_reported_at_its_path() {
        // given a section wrong in many ways
        String section = """
                storage:
                  ledger:
                    url: "postgres://db/x?password=${DB_PASSWORD}"
                    password: ${DB_PASSWORD}
                    pool-size: 0
                  redis:
                    url: http://redis
                    command-timeout: forever
                  quota:
                    when-unavailable: fail-sometimes
                  rate-limit:
                    when-unavailable: fail-open
                    retry-after: 2s
                  spool: /tmp
                """;

        // then each is listed at its path, none twice, and the password is never quoted
        assertThat(problemsOf(new ConfigLoader(ENV::get).withDataDir(Path.of("d")), section)).containsExactlyInAnyOrder(
                "storage.ledger.url: must be a JDBC URL such as jdbc:postgresql://host:5432/llmrouter",
                "storage.ledger.pool-size: must be between 1 and 1000, got 0",
                "storage.redis.url: must be a Redis URL such as redis://host:6379 (or rediss:// for TLS)",
                "storage.redis.command-timeout: must be a duration such as 250ms, 2s, 5m or PT1M, got 'forever'",
                "storage.quota.when-unavailable: unknown value 'fail-sometimes' (expected one of fail-closed, fail-open)",
                "storage.rate-limit.retry-after: applies only when-unavailable: fail-closed",
                "storage.spool: unknown key (expected one of ledger, quota, rate-limit, redis, spool-dir)");
    }

    @Test
    void a_jdbc_ledger_without_a_data_directory_needs_a_spool_directory() {
        assertThat(problemsOf(new ConfigLoader(ENV::get), "storage:\n  ledger: { url: \"jdbc:postgresql://db/x\" }\n"))
                .containsExactly("storage.spool-dir: is required with a JDBC ledger when the gateway has no data directory");
    }

    @Test
    void missing_urls_a_zero_timeout_and_an_unset_password_variable_are_reported() {
        List<String> problems = problemsOf(new ConfigLoader(Map.<String, String>of()::get).withDataDir(Path.of("d")), """
                storage:
                  ledger: { user: app, password: "${DB_PASSWORD}" }
                  redis: { command-timeout: 0ms }
                """);

        assertThat(problems).anyMatch(p -> p.startsWith("storage.ledger.url: "))
                .anyMatch(p -> p.contains("environment variable DB_PASSWORD is not set"))
                .anyMatch(p -> p.startsWith("storage.redis.url: "))
                .anyMatch(p -> p.startsWith("storage.redis.command-timeout: "));
    }

    @Test
    void the_commented_storage_section_of_the_azure_example_parses_once_uncommented() throws IOException {
        // given the example fleet with its storage: section uncommented
        String example = java.nio.file.Files.readString(AzureFleetExampleConfigTest.EXAMPLE);
        int section = example.indexOf("\n#storage:\n");
        assertThat(section).isPositive();
        String uncommented = example.substring(0, section) + example.substring(section).replaceAll("(?m)^#(storage:|  .*)$", "$1");
        Map<String, String> env = new java.util.HashMap<>(AzureFleetExampleConfigTest.env());
        env.put("LLM_ROUTER_DB_PASSWORD", "s3cret-db-pass");

        // when it is read
        StorageSettings storage = new ConfigLoader(env::get).withDataDir(Path.of("d")).parse(uncommented, "example").storage();

        // then it names PostgreSQL and Redis over TLS, quotas failing closed and rate limits open
        assertThat(storage.ledger()).isInstanceOfSatisfying(LedgerStore.Jdbc.class, l -> {
            assertThat(l.url()).startsWith("jdbc:postgresql://");
            assertThat(l.password()).contains(new Secret("s3cret-db-pass"));
        });
        assertThat(storage.redis().orElseThrow().url().getScheme()).isEqualTo("rediss");
        assertThat(storage.quota()).isEqualTo(UnavailableStorePolicy.FAIL_CLOSED);
        assertThat(storage.rateLimit()).isEqualTo(UnavailableStorePolicy.FAIL_OPEN);
        assertThat(storage.spoolDir()).contains(Path.of("/var/lib/llm-router/spool"));
    }
}

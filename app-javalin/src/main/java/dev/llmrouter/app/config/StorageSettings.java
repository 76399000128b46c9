package dev.llmrouter.app.config;

import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.routing.UnavailableStorePolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the gateway keeps what must outlive a request (Requirement 7): the usage ledger, the quota
 * months and the rate-limit minutes, and what it does when a store cannot answer.
 *
 * <p>With no {@code storage:} section the ledger is an H2 file under the data directory
 * ({@code --data-dir}, {@code LLM_ROUTER_DATA_DIR}, {@code ./llm-router-data}), so the embedded
 * default keeps usage and the month's spend across restarts with nothing installed (Requirement
 * 7.6); quotas and rate limits are then kept in the process, the quota months seeded from that
 * ledger. With Redis configured, quotas and rate limits are shared by every replica (7.2, 7.3) and
 * a starting process reads nothing but the ledger and Redis.
 *
 * @param ledger    where usage records go
 * @param redis     the shared quota and rate-limit store; empty keeps them in the process
 * @param quota     what a quota check does when the quota store cannot answer (fail closed by default)
 * @param rateLimit what a rate check does when the rate limiter cannot answer; fail open means the
 *                  per-process limiter decides alone meanwhile
 * @param spoolDir  where usage records wait while the ledger's database is unreachable (a JDBC ledger only)
 * @param quotaLease how long a quota reservation holds its worst case unless settled or released: the
 *                  time after which a replica that died gives back what it held; longer than any
 *                  request may last, or a slow request's late settle would find its reservation gone
 */
public record StorageSettings(
        LedgerStore ledger,
        Optional<RedisSettings> redis,
        UnavailableStorePolicy quota,
        UnavailableStorePolicy rateLimit,
        Optional<Path> spoolDir,
        Duration quotaLease) {

    /** The data directory of the jar when neither {@code --data-dir} nor {@code LLM_ROUTER_DATA_DIR} names one. */
    public static final Path DEFAULT_DATA_DIR = Path.of("llm-router-data");
    /** The environment variable naming the data directory. */
    public static final String DATA_DIR_ENV = "LLM_ROUTER_DATA_DIR";
    /** The connections a JDBC ledger keeps open when {@code pool-size} is not given. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** How long one Redis command may take before the store counts as unavailable. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

    public StorageSettings {
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(quotaLease, "quotaLease");
        if (quotaLease.isNegative() || quotaLease.isZero()) {
            throw new IllegalArgumentException("quotaLease must be positive: " + quotaLease);
        }
    }

    /** With the default quota lease ({@link QuotaStore#DEFAULT_LEASE}). */
    public StorageSettings(LedgerStore ledger, Optional<RedisSettings> redis, UnavailableStorePolicy quota,
            UnavailableStorePolicy rateLimit, Optional<Path> spoolDir) {
        this(ledger, redis, quota, rateLimit, spoolDir, QuotaStore.DEFAULT_LEASE);
    }

    /** Everything in the process, nothing on disk: a gateway embedded in a test or a benchmark. */
    public static StorageSettings inMemory() {
        return new StorageSettings(new LedgerStore.InMemory(), Optional.empty(), UnavailableStorePolicy.FAIL_CLOSED,
                UnavailableStorePolicy.FAIL_CLOSED, Optional.empty());
    }

    /** The embedded default: an H2 file ledger under {@code dataDir}, quotas and rate limits in the process. */
    public static StorageSettings embedded(Path dataDir) {
        return new StorageSettings(new LedgerStore.EmbeddedFile(dataDir), Optional.empty(),
                UnavailableStorePolicy.FAIL_CLOSED, UnavailableStorePolicy.FAIL_CLOSED, Optional.empty());
    }

    public StorageSettings withLedger(LedgerStore newLedger) {
        return new StorageSettings(newLedger, redis, quota, rateLimit, spoolDir, quotaLease);
    }

    public StorageSettings withRedis(RedisSettings newRedis) {
        return new StorageSettings(ledger, Optional.of(newRedis), quota, rateLimit, spoolDir, quotaLease);
    }

    /** Where the usage ledger is kept. */
    public sealed interface LedgerStore {

        /**
         * The bounded in-memory ledger ({@code ledger.max-records}): nothing survives a restart. For a
         * gateway built without a data directory (tests, an embedding application), or configured with
         * {@code storage: { ledger: { kind: memory } }} (to measure the gateway without a database).
         */
        record InMemory() implements LedgerStore {}

        /**
         * An H2 database file under {@code dataDir} ({@code ledger.mv.db}, its spool in {@code spool/}):
         * the embedded default's durable ledger (Requirement 7.6).
         */
        record EmbeddedFile(Path dataDir) implements LedgerStore {
            public EmbeddedFile {
                Objects.requireNonNull(dataDir, "dataDir");
            }
        }

        /** A database reached by JDBC (PostgreSQL in production), shared by every replica. */
        record Jdbc(String url, Optional<String> user, Optional<Secret> password, int poolSize) implements LedgerStore {
            public Jdbc {
                Objects.requireNonNull(url, "url");
                Objects.requireNonNull(user, "user");
                Objects.requireNonNull(password, "password");
                if (poolSize < 1) {
                    throw new IllegalArgumentException("poolSize must be positive: " + poolSize);
                }
            }
        }
    }

    /**
     * A Redis server (or cluster entry point) holding quota months and rate-limit minutes.
     *
     * @param url            {@code redis://[user:password@]host:port[/db]} or {@code rediss://} for TLS
     * @param commandTimeout past it a command counts as unanswered (the store is unavailable for that call)
     */
    public record RedisSettings(URI url, Duration commandTimeout) {
        public RedisSettings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(commandTimeout, "commandTimeout");
        }

        /** The URL without its password, for logs and the readiness page. */
        public String redactedUrl() {
            String userInfo = url.getRawUserInfo();
            return userInfo == null ? url.toString() : url.toString().replace(userInfo + "@", "****@");
        }
    }
}

package dev.llmrouter.app.storage;

import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.adapters.jdbc.JdbcUsageLedger;
import dev.llmrouter.adapters.jdbc.LedgerListener;
import dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry;
import dev.llmrouter.adapters.redis.RedisAccountRateLimiter;
import dev.llmrouter.adapters.redis.RedisClock;
import dev.llmrouter.adapters.inmemory.InMemoryResponseHomes;
import dev.llmrouter.adapters.redis.RedisLink;
import dev.llmrouter.adapters.redis.RedisRateAndQuotaStore;
import dev.llmrouter.adapters.redis.RedisResponseHomes;
import dev.llmrouter.ports.responses.ResponseHomes;
import dev.llmrouter.adapters.redis.RedisSettings;
import dev.llmrouter.app.config.Secret;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmrouter.app.config.LedgerSettings;
import dev.llmrouter.app.config.StorageSettings;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.routing.AccountRateGate;
import dev.llmrouter.ports.routing.QuotaGate;
import dev.llmrouter.ports.routing.QuotaStoreGate;
import dev.llmrouter.ports.routing.RateGate;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.ports.usage.UsageLedger;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's three stores, opened from its {@link StorageSettings} (Requirement 7): the usage
 * ledger, the quota store and the rate limiter, each watched by a {@link StoreMonitor}, and the
 * router's gates over them with their failure policies.
 *
 * <ul>
 *   <li>Ledger: the bounded in-memory one only when the gateway has no data directory and no JDBC
 *       URL (tests, benchmarks) or is told {@code kind: memory}; otherwise durable, its appends timed
 *       ({@link TimedUsageLedger}), and the quota months are seeded from it.</li>
 *   <li>Quota store and rate limiter: in the process, unless Redis is configured; then the Redis
 *       ones, and a starting process holds no state of its own that matters. On Redis a request is
 *       admitted under both in one round trip ({@link RedisRateAndQuotaStore}).</li>
 * </ul>
 * Closing closes what was opened, last opened first, so the ledger (opened first) flushes last.
 */
public final class Stores implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);
    /** How long Redis keeps an unused account's month after its last lease could end. */
    private static final Duration REDIS_IDLE = Duration.ofDays(1);

    private final UsageLedger ledger;
    private final Consumer<Router.Builder> admission;
    private final StoreMonitor monitor;
    private final Deque<AutoCloseable> opened;
    private final ResponseHomes responseHomes;

    private Stores(UsageLedger ledger, Consumer<Router.Builder> admission, StoreMonitor monitor, Deque<AutoCloseable> opened,
            ResponseHomes responseHomes) {
        this.responseHomes = responseHomes;
        this.ledger = ledger;
        this.admission = admission;
        this.monitor = monitor;
        this.opened = opened;
    }

    /** Which deployment holds each stored response: in Redis when Redis is configured, else in this process. */
    public ResponseHomes responseHomes() {
        return responseHomes;
    }

    /**
     * Opens the stores.
     *
     * @param quotaIdleExpiry how long an idle account's month stays in an in-process quota store after
     *                        the month is over
     */
    public static Stores open(StorageSettings settings, LedgerSettings bound, InstantSource clock, Duration quotaIdleExpiry,
            MeterRegistry registry, MicrometerRouterTelemetry telemetry) {
        Objects.requireNonNull(settings, "settings");
        StoreMonitor monitor = new StoreMonitor(registry);
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            UsageLedger ledger;
            QuotaSeed seed;
            StorageSettings.LedgerStore store = settings.ledger();
            if (store instanceof StorageSettings.LedgerStore.InMemory) {
                InMemoryUsageLedger inMemory = new InMemoryUsageLedger(bound.maxRecords());
                telemetry.trackUsageLedger(inMemory::size, inMemory::dropped);
                monitor.watch("ledger", "in-memory", "bounded", StoreMonitor.Probe.NONE);
                ledger = inMemory;
                seed = QuotaSeed.NONE; // it drops its oldest records: it cannot rebuild a month
            } else {
                JdbcUsageLedger jdbc = openJdbc(store, settings, monitor, registry);
                opened.push(jdbc);
                ledger = new TimedUsageLedger(jdbc, registry);
                seed = new LedgerQuotaSeed(jdbc);
            }

            QuotaStore quotaStore;
            AccountRateLimiter shared;
            RateAndQuotaStore combined = null;
            AccountRateLimiter local = null;
            String kind;
            StoreMonitor.Probe probe;
            ResponseHomes responseHomes;
            if (settings.redis().isPresent()) {
                StorageSettings.RedisSettings r = settings.redis().get();
                RedisLink link = RedisLink.open(new RedisSettings(r.url().toString(), r.commandTimeout(),
                        RedisSettings.DEFAULT_CONNECT_TIMEOUT));
                opened.push(link);
                RedisRateAndQuotaStore redis = new RedisRateAndQuotaStore(link, RedisClock.server(), seed, REDIS_IDLE,
                        RedisAccountRateLimiter.DEFAULT_GRANULARITY);
                combined = redis;
                quotaStore = redis.quotaStore();
                shared = redis.rateLimiter();
                responseHomes = new RedisResponseHomes(link, InMemoryResponseHomes.DEFAULT_TTL);
                if (settings.rateLimit().failOpen()) {
                    local = new InMemoryAccountRateLimiter();
                }
                kind = "redis";
                probe = () -> link.isReachable() ? Optional.empty() : Optional.of("redis does not answer PING");
            } else {
                quotaStore = new InMemoryQuotaStore(clock, quotaIdleExpiry, seed);
                shared = new InMemoryAccountRateLimiter();
                responseHomes = new InMemoryResponseHomes();
                kind = "in-memory";
                probe = StoreMonitor.Probe.NONE;
            }
            StoreMonitor.Health quotaHealth = monitor.watch("quota", kind, policyName(settings.quota().failOpen()), probe);
            StoreMonitor.Health rateHealth = monitor.watch("rate_limit", kind,
                    local != null ? "fail-open-local" : policyName(settings.rateLimit().failOpen()), probe);
            ObservedQuotaStore observedQuota = new ObservedQuotaStore(quotaStore, quotaHealth, settings.quota());
            ObservedRateLimiter observedRates = new ObservedRateLimiter(shared, local, rateHealth);
            Consumer<Router.Builder> admission;
            if (combined != null) {
                RateAndQuotaStore oneRoundTrip = new ObservedRateAndQuotaStore(combined, observedRates, observedQuota);
                admission = builder -> builder.rateAndQuotaStore(oneRoundTrip, settings.rateLimit(), settings.quota(),
                        settings.quotaLease());
            } else {
                QuotaGate quota = new QuotaStoreGate(observedQuota, settings.quota(), settings.quotaLease());
                RateGate rates = new AccountRateGate(observedRates, settings.rateLimit());
                admission = builder -> builder.quota(quota).rateLimits(rates);
            }
            return new Stores(ledger, admission, monitor, opened, responseHomes);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * The embedded default's H2 file or a database by its URL, group-committed, with its spool. Its
     * state: down from the moment the database stops answering until the spool has shipped.
     */
    private static JdbcUsageLedger openJdbc(StorageSettings.LedgerStore store, StorageSettings settings, StoreMonitor monitor,
            MeterRegistry registry) {
        HikariDataSource pool;
        String kind;
        Path spool;
        if (store instanceof StorageSettings.LedgerStore.EmbeddedFile file) {
            pool = JdbcUsageLedger.pool(JdbcUsageLedger.h2FileUrl(file.dataDir().resolve("ledger")), "sa", "");
            kind = "h2-file";
            spool = settings.spoolDir().orElse(file.dataDir().resolve("spool"));
        } else {
            StorageSettings.LedgerStore.Jdbc jdbc = (StorageSettings.LedgerStore.Jdbc) store;
            pool = JdbcUsageLedger.pool(jdbc.url(), jdbc.user().orElse(null), jdbc.password().map(Secret::value).orElse(null));
            pool.setMaximumPoolSize(jdbc.poolSize());
            kind = "jdbc";
            spool = settings.spoolDir().orElseThrow(() -> new IllegalStateException("a JDBC ledger needs a spool directory"));
        }
        AtomicReference<JdbcUsageLedger> built = new AtomicReference<>();
        HikariDataSource database = pool;
        StoreMonitor.Health health = monitor.watch("ledger", kind, "spool", () -> {
            JdbcUsageLedger ledger = built.get();
            long backlog = ledger == null ? 0 : ledger.spoolBacklog();
            if (backlog > 0) {
                return Optional.of(backlog + " records on the local spool, not yet in the database");
            }
            try (Connection c = database.getConnection()) {
                return c.isValid(1) ? Optional.empty() : Optional.of("the database does not answer");
            } catch (SQLException e) {
                return Optional.of("the database does not answer: " + e.getClass().getSimpleName());
            }
        });
        JdbcUsageLedger ledger;
        try {
            ledger = JdbcUsageLedger.builder(pool).spoolDirectory(spool).closesDataSource()
                    .listener(new LedgerListener() {
                        @Override
                        public void committed(int records) {
                            health.answered();
                        }

                        @Override
                        public void databaseUnavailable(Exception cause) {
                            health.unavailable("the database does not answer: " + cause.getClass().getSimpleName());
                        }
                    }).build();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        built.set(ledger);
        Gauge.builder("llm_router_usage_ledger_spooled_records", ledger, JdbcUsageLedger::spoolBacklog)
                .description("Usage records on the local spool, waiting for the database").register(registry);
        return ledger;
    }

    private static String policyName(boolean failOpen) {
        return failOpen ? "fail-open" : "fail-closed";
    }

    public UsageLedger ledger() {
        return ledger;
    }

    /**
     * Sets the router's rate limit and quota admission over these stores, each with its failure policy:
     * on Redis one round trip for both, else the rate gate then the quota gate.
     */
    public Router.Builder admission(Router.Builder builder) {
        admission.accept(builder);
        return builder;
    }

    public StoreMonitor monitor() {
        return monitor;
    }

    public List<StoreStatus> statuses() {
        return monitor.statuses();
    }

    @Override
    public void close() {
        closeAll(opened);
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("a store did not close cleanly: {}", e.toString());
            }
        }
    }
}

package dev.llmrouter.app.storage;

import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry;
import dev.llmrouter.app.config.LedgerSettings;
import dev.llmrouter.app.config.StorageSettings;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.routing.AccountRateGate;
import dev.llmrouter.ports.routing.QuotaGate;
import dev.llmrouter.ports.routing.QuotaStoreGate;
import dev.llmrouter.ports.routing.RateGate;
import dev.llmrouter.ports.usage.UsageLedger;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's three stores, opened from its {@link StorageSettings} (Requirement 7): the usage
 * ledger, the quota store and the rate limiter, each watched by a {@link StoreMonitor}, and the
 * router's gates over them with their failure policies.
 *
 * <ul>
 *   <li>Ledger: the bounded in-memory one only when the gateway has no data directory and no JDBC
 *       URL (tests, benchmarks); otherwise durable, and the quota months are seeded from it.</li>
 *   <li>Quota store and rate limiter: in the process, unless Redis is configured; then the Redis
 *       ones, and a starting process holds no state of its own that matters.</li>
 * </ul>
 * Closing closes what was opened, last opened first, so the ledger (opened first) flushes last.
 */
public final class Stores implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

    private final UsageLedger ledger;
    private final QuotaGate quota;
    private final RateGate rates;
    private final StoreMonitor monitor;
    private final Deque<AutoCloseable> opened;

    private Stores(UsageLedger ledger, QuotaGate quota, RateGate rates, StoreMonitor monitor, Deque<AutoCloseable> opened) {
        this.ledger = ledger;
        this.quota = quota;
        this.rates = rates;
        this.monitor = monitor;
        this.opened = opened;
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
            if (settings.ledger() instanceof StorageSettings.LedgerStore.InMemory) {
                InMemoryUsageLedger inMemory = new InMemoryUsageLedger(bound.maxRecords());
                telemetry.trackUsageLedger(inMemory::size, inMemory::dropped);
                monitor.watch("ledger", "in-memory", "bounded", StoreMonitor.Probe.NONE);
                ledger = inMemory;
                seed = QuotaSeed.NONE; // it drops its oldest records: it cannot rebuild a month
            } else {
                throw new IllegalStateException("no adapter for the ledger " + settings.ledger());
            }
            QuotaStore quotaStore = new InMemoryQuotaStore(clock, quotaIdleExpiry, seed);
            AccountRateLimiter limiter = new InMemoryAccountRateLimiter();
            StoreMonitor.Health quotaHealth = monitor.watch("quota", "in-memory", policyName(settings.quota().failOpen()),
                    StoreMonitor.Probe.NONE);
            StoreMonitor.Health rateHealth = monitor.watch("rate_limit", "in-memory",
                    settings.rateLimit().failOpen() ? "fail-open" : "fail-closed", StoreMonitor.Probe.NONE);
            QuotaGate quota = new QuotaStoreGate(new ObservedQuotaStore(quotaStore, quotaHealth, settings.quota()),
                    settings.quota(), QuotaStore.DEFAULT_LEASE);
            RateGate rates = new AccountRateGate(new ObservedRateLimiter(limiter, null, rateHealth), settings.rateLimit());
            return new Stores(ledger, quota, rates, monitor, opened);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static String policyName(boolean failOpen) {
        return failOpen ? "fail-open" : "fail-closed";
    }

    public UsageLedger ledger() {
        return ledger;
    }

    /** The router's quota admission over the quota store, with its failure policy. */
    public QuotaGate quotaGate() {
        return quota;
    }

    /** The router's rate admission over the rate limiter, with its failure policy. */
    public RateGate rateGate() {
        return rates;
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

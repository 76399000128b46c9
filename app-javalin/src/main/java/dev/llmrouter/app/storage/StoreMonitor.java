package dev.llmrouter.app.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the gateway knows of its stores, for {@code /health/ready} and {@code /metrics}
 * (Requirement 7.5): each store's kind, its failure policy, whether it answers, and how many checks
 * it could not answer, by the decision that was taken instead.
 *
 * <p>A store's state is the outcome of its last call, refreshed by its probe (a round trip to the
 * server) whenever the readiness page is read, so an idle gateway reports a lost server too. Metrics
 * have bounded tags: {@code store} is one of three names, {@code decision} one of three policies.
 * <ul>
 *   <li>{@code llm_router_store_available{store}}: 1 when the store's last call or probe was answered;</li>
 *   <li>{@code llm_router_store_unavailable_total{store,decision}}: admission checks the store could
 *       not answer, by what was done ({@code fail_closed}: refused with 503; {@code fail_open}:
 *       admitted; {@code fail_open_local}: decided by the per-process limiter).</li>
 * </ul>
 */
public final class StoreMonitor {

    /** A probe: empty when the store answers, else why not. Called off the request path. */
    @FunctionalInterface
    public interface Probe {
        Optional<String> problem();

        /** No probe: the store's state is its last call's. */
        Probe NONE = Optional::empty;
    }

    private final MeterRegistry registry;
    private final List<Health> stores = new CopyOnWriteArrayList<>();

    public StoreMonitor(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Starts watching one store.
     *
     * @param store  {@code ledger}, {@code quota} or {@code rate_limit}
     * @param kind   what keeps it
     * @param policy its failure policy as the readiness page names it
     * @param probe  how to ask it whether it answers now
     */
    public Health watch(String store, String kind, String policy, Probe probe) {
        Health health = new Health(store, kind, policy, probe);
        Gauge.builder("llm_router_store_available", health, h -> h.available ? 1 : 0)
                .description("1 when the store's last call or probe was answered, else 0")
                .tag("store", store).register(registry);
        stores.add(health);
        return health;
    }

    /** Every store, probed now; stores kept by one server (quota and rate limit on one Redis) are probed once. */
    public List<StoreStatus> statuses() {
        Map<Probe, Optional<String>> probed = new IdentityHashMap<>();
        List<StoreStatus> all = new ArrayList<>(stores.size());
        for (Health h : stores) {
            if (h.probe != Probe.NONE) {
                h.record(probed.computeIfAbsent(h.probe, StoreMonitor::run));
            }
            all.add(h.status());
        }
        return all;
    }

    private static Optional<String> run(Probe probe) {
        try {
            return probe.problem();
        } catch (RuntimeException e) {
            return Optional.of(e.getClass().getSimpleName());
        }
    }

    /** Whether every store answered its last call or probe (no probe run). */
    public boolean allAvailable() {
        return stores.stream().allMatch(h -> h.available);
    }

    /** One store's state; its decorators report each answer here. */
    public final class Health {
        private final String store;
        private final String kind;
        private final String policy;
        private final Probe probe;
        private volatile boolean available = true;
        private volatile String problem;

        private Health(String store, String kind, String policy, Probe probe) {
            this.store = store;
            this.kind = kind;
            this.policy = policy;
            this.probe = probe;
        }

        /** The store answered a call. */
        public void answered() {
            if (!available) {
                available = true;
                problem = null;
            }
        }

        /** The store could not answer a call that is no admission decision (a settle, a release, a write). */
        public void unavailable(String reason) {
            problem = reason;
            available = false;
        }

        /** The store could not answer an admission check, and {@code decision} was taken instead. */
        public void unavailable(String reason, String decision) {
            unavailable(reason);
            counter(decision).increment();
        }

        private Counter counter(String decision) {
            return Counter.builder("llm_router_store_unavailable_total")
                    .description("Admission checks a store could not answer, by the decision taken instead")
                    .tag("store", store).tag("decision", decision).register(registry);
        }

        void record(Optional<String> found) {
            found.ifPresentOrElse(this::unavailable, this::answered);
        }

        StoreStatus status() {
            String why = problem;
            return new StoreStatus(store, kind, policy, available, available ? Optional.empty() : Optional.ofNullable(why));
        }

        public boolean available() {
            return available;
        }
    }
}

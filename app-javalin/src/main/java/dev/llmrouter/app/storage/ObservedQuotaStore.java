package dev.llmrouter.app.storage;

import dev.llmrouter.ports.quota.EndResult;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaUsage;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import dev.llmrouter.ports.quota.StoreUnavailable;
import dev.llmrouter.ports.routing.UnavailableStorePolicy;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Objects;

/**
 * A quota store whose answers are reported to the {@link StoreMonitor}: an unavailable reservation
 * is counted under the decision the router's gate takes for it (its {@link UnavailableStorePolicy}),
 * anything else marks the store as answering. Answers pass through unchanged; a throw is reported
 * and rethrown for the gate, which treats it as unavailable.
 */
final class ObservedQuotaStore implements QuotaStore {

    private final QuotaStore store;
    private final StoreMonitor.Health health;
    private final String decision;

    ObservedQuotaStore(QuotaStore store, StoreMonitor.Health health, UnavailableStorePolicy policy) {
        this.store = Objects.requireNonNull(store, "store");
        this.health = Objects.requireNonNull(health, "health");
        this.decision = policy.failOpen() ? "fail_open" : "fail_closed";
    }

    @Override
    public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
        return admission(() -> store.reserve(account, period, amount, limit, lease));
    }

    @Override
    public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
        return admission(() -> store.resize(held, newAmount, limit));
    }

    @Override
    public EndResult settle(Reservation reservation, QuotaAmount actual) {
        return ending(() -> store.settle(reservation, actual));
    }

    @Override
    public EndResult release(Reservation reservation) {
        return ending(() -> store.release(reservation));
    }

    @Override
    public QuotaUsage usage(String account, YearMonth period) {
        try {
            QuotaUsage usage = store.usage(account, period);
            health.answered();
            return usage;
        } catch (RuntimeException e) {
            health.unavailable(e.getClass().getSimpleName());
            throw e;
        }
    }

    private ReserveResult admission(java.util.function.Supplier<ReserveResult> call) {
        ReserveResult result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            health.unavailable(e.getClass().getSimpleName(), decision);
            throw e;
        }
        return admission(result);
    }

    /** Reports a reservation's answer, given by the store's combined admission; returns it. */
    ReserveResult admission(ReserveResult result) {
        if (result instanceof StoreUnavailable u) {
            health.unavailable(u.reason(), decision);
        } else {
            health.answered();
        }
        return result;
    }

    private EndResult ending(java.util.function.Supplier<EndResult> call) {
        EndResult result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            health.unavailable(e.getClass().getSimpleName());
            throw e;
        }
        if (result instanceof StoreUnavailable u) {
            health.unavailable(u.reason());
        } else {
            health.answered();
        }
        return result;
    }
}

package dev.llmrouter.ports.routing;

import dev.llmrouter.ports.quota.QuotaAdmission;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaRefused;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import dev.llmrouter.ports.router.Caller;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Objects;
import java.util.Optional;

/**
 * The router's {@link QuotaGate} on a {@link QuotaStore} (Requirement 5.4, Property 17): the worst
 * case is reserved in the account's month (UTC) under its plan's {@link QuotaLimit}; a hop to another
 * model is an atomic {@link QuotaStore#resize}; the end is a settle or a release. A refusal says when
 * the month resets.
 */
public final class QuotaStoreGate implements QuotaGate {

    private final QuotaStore store;

    public QuotaStoreGate(QuotaStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Reservation reserve(Caller caller, Charge worstCase, Instant now) {
        YearMonth period = QuotaAdmission.periodOf(now);
        QuotaLimit limit = QuotaLimit.of(caller.plan().quota());
        ReserveResult result = store.reserve(caller.accountId(), period, amount(worstCase), limit);
        if (result instanceof dev.llmrouter.ports.quota.Reservation held) {
            return new Reservation.Held(new StoreHold(held, limit));
        }
        QuotaRefused refused = (QuotaRefused) result;
        Duration untilReset = Duration.between(now, QuotaAdmission.resetsAt(period));
        return new Reservation.Refused("the monthly " + refused.dimension().name().toLowerCase(java.util.Locale.ROOT)
                + " quota of plan '" + caller.plan().id() + "' cannot hold this request's worst case ("
                + refused.requested() + " requested, " + refused.remaining() + " left)", Optional.of(untilReset));
    }

    private static QuotaAmount amount(Charge charge) {
        return QuotaAmount.of(charge.cost(), charge.tokens());
    }

    /** One request's reservation; confined to the request's thread. */
    private final class StoreHold implements Hold {
        private dev.llmrouter.ports.quota.Reservation current;
        private final QuotaLimit limit;

        StoreHold(dev.llmrouter.ports.quota.Reservation current, QuotaLimit limit) {
            this.current = current;
            this.limit = limit;
        }

        @Override
        public boolean resize(Charge worstCase) {
            ReserveResult result = store.resize(current, amount(worstCase), limit);
            if (result instanceof dev.llmrouter.ports.quota.Reservation moved) {
                current = moved;
                return true;
            }
            return false;
        }

        @Override
        public void settle(Charge actual) {
            store.settle(current, amount(actual));
        }

        @Override
        public void release() {
            store.release(current);
        }
    }
}

package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.ports.quota.QuotaAdmission;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaDimension;
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
    /** The month of the latest reservation with its bounds: nearly every request falls in it. */
    private volatile Month month;
    /** The latest plan quota and its limit: callers mostly share a few long-lived plans. */
    private volatile Limit limit;

    /** A month (UTC) and its bounds in epoch seconds (months start on whole seconds), end exclusive. */
    private record Month(YearMonth period, long startSecond, long endSecond) {}

    private record Limit(Quota quota, QuotaLimit limit) {}

    public QuotaStoreGate(QuotaStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Reservation reserve(Caller caller, Charge worstCase, Instant now) {
        YearMonth period = periodOf(now);
        QuotaLimit limit = limitOf(caller.plan().quota());
        ReserveResult result = store.reserve(caller.accountId(), period, amount(worstCase), limit);
        if (result instanceof dev.llmrouter.ports.quota.Reservation held) {
            return new Reservation.Held(new StoreHold(held, limit));
        }
        QuotaRefused refused = (QuotaRefused) result;
        Duration untilReset = Duration.between(now, QuotaAdmission.resetsAt(period));
        return new Reservation.Refused("the monthly " + refused.dimension().name().toLowerCase(java.util.Locale.ROOT)
                + " quota of plan '" + caller.plan().id() + "' cannot hold this request's worst case ("
                + inUnits(refused.dimension(), refused.requested()) + " requested, "
                + inUnits(refused.dimension(), refused.remaining()) + " left)", Optional.of(untilReset));
    }

    /** An amount as a caller reads it: exact US dollars for cost (the store counts nano-dollars), else tokens. */
    static String inUnits(QuotaDimension dimension, long amount) {
        return switch (dimension) {
            case COST -> Money.ofNanos(amount).toUsdString() + " USD";
            case TOKENS -> amount + (amount == 1 ? " token" : " tokens");
        };
    }

    /**
     * {@link QuotaAdmission#periodOf}, remembered: the calendar arithmetic (which builds zone rules on
     * every call) runs once a month rather than once a request.
     */
    private YearMonth periodOf(Instant now) {
        Month m = month;
        long second = now.getEpochSecond();
        if (m != null && second >= m.startSecond() && second < m.endSecond()) {
            return m.period();
        }
        YearMonth period = QuotaAdmission.periodOf(now);
        month = new Month(period, QuotaAdmission.resetsAt(period.minusMonths(1)).getEpochSecond(),
                QuotaAdmission.resetsAt(period).getEpochSecond());
        return period;
    }

    /** {@link QuotaLimit#of}, remembered for the latest plan quota (by identity). */
    private QuotaLimit limitOf(Quota quota) {
        Limit l = limit;
        if (l != null && l.quota() == quota) {
            return l.limit();
        }
        QuotaLimit computed = QuotaLimit.of(quota);
        limit = new Limit(quota, computed);
        return computed;
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

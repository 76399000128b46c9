package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaDimension;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaPeriods;
import dev.llmrouter.ports.quota.QuotaRefused;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import dev.llmrouter.ports.quota.StoreUnavailable;
import dev.llmrouter.ports.router.Caller;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The router's {@link QuotaGate} on a {@link QuotaStore} (Requirement 5.4, Property 17): the worst
 * case is reserved in the account's month (UTC) under its plan's {@link QuotaLimit}, with a lease; a
 * hop to another model is an atomic {@link QuotaStore#resize}; the end is a settle or a release. A
 * refusal says when the month resets.
 *
 * <p><b>A store that cannot answer</b> (Requirement 7.5) is handled here, by the gate's
 * {@link UnavailableStorePolicy}: on reserve, fail closed ({@link Verdict.Unavailable}, so nothing
 * reaches a deployment) or fail open (admitted with nothing held). A store that throws instead of
 * answering {@link StoreUnavailable} is treated the same, so a faulty adapter is never a 500. A hop
 * the store cannot answer is not taken (the present reservation is kept). A settle or release it
 * cannot answer leaves the worst case held until its lease ends: never less counted than was spent
 * while the lease lasts, and the ledger holds the actual usage for the store's rebuild.
 */
public final class QuotaStoreGate implements QuotaGate {

    private static final System.Logger LOG = System.getLogger(QuotaStoreGate.class.getName());

    private final QuotaStore store;
    private final UnavailableStorePolicy whenUnavailable;
    private final Duration lease;
    /** The month of the latest reservation with its bounds: nearly every request falls in it. */
    private volatile Month month;
    /** The latest plan quota and its limit: callers mostly share a few long-lived plans. */
    private volatile Limit limit;

    /** A month (UTC) and its bounds in epoch seconds (months start on whole seconds), end exclusive. */
    private record Month(YearMonth period, long startSecond, long endSecond) {}

    private record Limit(Quota quota, QuotaLimit limit) {}

    /** Fails closed, {@link QuotaStore#DEFAULT_LEASE}. */
    public QuotaStoreGate(QuotaStore store) {
        this(store, UnavailableStorePolicy.FAIL_CLOSED, QuotaStore.DEFAULT_LEASE);
    }

    /**
     * @param whenUnavailable what to do when the store cannot answer a reservation
     * @param lease           how long a reservation holds if its holder never ends it; longer than
     *                        any request's deadline and stream
     */
    public QuotaStoreGate(QuotaStore store, UnavailableStorePolicy whenUnavailable, Duration lease) {
        this.store = Objects.requireNonNull(store, "store");
        this.whenUnavailable = Objects.requireNonNull(whenUnavailable, "whenUnavailable");
        this.lease = Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive: " + lease);
        }
    }

    /** How long a reservation holds if its holder never ends it. */
    Duration lease() {
        return lease;
    }

    @Override
    public Verdict reserve(Caller caller, Charge worstCase, Instant now) {
        YearMonth period = periodOf(now);
        QuotaLimit limit = limitOf(caller.plan().quota());
        ReserveResult result;
        try {
            result = store.reserve(caller.accountId(), period, amount(worstCase), limit, lease);
        } catch (RuntimeException e) {
            result = thrown("reserve", e);
        }
        return verdict(caller, now, period, limit, result);
    }

    /** A store's answer to a reservation as a verdict, under this gate's policy for a store that is away. */
    Verdict verdict(Caller caller, Instant now, YearMonth period, QuotaLimit limit, ReserveResult result) {
        if (result instanceof Reservation held) {
            return new Verdict.Held(new StoreHold(held, limit));
        }
        if (result instanceof QuotaRefused refused) {
            Duration untilReset = Duration.between(now, QuotaPeriods.resetsAt(period));
            return new Verdict.Refused("the monthly " + refused.dimension().name().toLowerCase(Locale.ROOT)
                    + " quota of plan '" + caller.plan().id() + "' cannot hold this request's worst case ("
                    + inUnits(refused.dimension(), refused.requested()) + " requested, "
                    + inUnits(refused.dimension(), refused.remaining()) + " left)", Optional.of(untilReset));
        }
        // StoreUnavailable (a fresh reserve is never NotOpen, but an adapter that answers it is as unreliable).
        LOG.log(System.Logger.Level.WARNING, "quota store unavailable on reserve: {0}", reasonOf(result));
        if (whenUnavailable.failOpen()) {
            return new Verdict.Held(Hold.NONE);
        }
        return new Verdict.Unavailable("the quota service is unavailable; nothing was sent to a deployment, retry later",
                whenUnavailable.retryAfter());
    }

    /** An amount as a caller reads it: exact US dollars for cost (the store counts nano-dollars), else tokens. */
    static String inUnits(QuotaDimension dimension, long amount) {
        return switch (dimension) {
            case COST -> Money.ofNanos(amount).toUsdString() + " USD";
            case TOKENS -> amount + (amount == 1 ? " token" : " tokens");
        };
    }

    private static StoreUnavailable thrown(String operation, RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "quota store threw on " + operation + " instead of answering", e);
        return new StoreUnavailable(e.getClass().getSimpleName());
    }

    private static String reasonOf(Object result) {
        return result instanceof StoreUnavailable u ? u.reason() : String.valueOf(result);
    }

    /**
     * {@link QuotaPeriods#periodOf}, remembered: the calendar arithmetic (which builds zone rules on
     * every call) runs once a month rather than once a request.
     */
    YearMonth periodOf(Instant now) {
        Month m = month;
        long second = now.getEpochSecond();
        if (m != null && second >= m.startSecond() && second < m.endSecond()) {
            return m.period();
        }
        YearMonth period = QuotaPeriods.periodOf(now);
        month = new Month(period, QuotaPeriods.resetsAt(period.minusMonths(1)).getEpochSecond(),
                QuotaPeriods.resetsAt(period).getEpochSecond());
        return period;
    }

    /** {@link QuotaLimit#of}, remembered for the latest plan quota (by identity). */
    QuotaLimit limitOf(Quota quota) {
        Limit l = limit;
        if (l != null && l.quota() == quota) {
            return l.limit();
        }
        QuotaLimit computed = QuotaLimit.of(quota);
        limit = new Limit(quota, computed);
        return computed;
    }

    static QuotaAmount amount(Charge charge) {
        return QuotaAmount.of(charge.cost(), charge.tokens());
    }

    /** One request's reservation; confined to the request's thread. */
    private final class StoreHold implements Hold {
        private Reservation current;
        private final QuotaLimit limit;

        StoreHold(Reservation current, QuotaLimit limit) {
            this.current = current;
            this.limit = limit;
        }

        @Override
        public boolean resize(Charge worstCase) {
            ReserveResult result;
            try {
                result = store.resize(current, amount(worstCase), limit);
            } catch (RuntimeException e) {
                result = thrown("resize", e);
            }
            if (result instanceof Reservation moved) {
                current = moved;
                return true;
            }
            if (result instanceof StoreUnavailable unavailable) {
                LOG.log(System.Logger.Level.WARNING, "quota store unavailable on resize: {0}", unavailable.reason());
            }
            return false;
        }

        @Override
        public void settle(Charge actual) {
            settle(actual.tokens(), actual.cost());
        }

        @Override
        public void settle(long tokens, Money cost) {
            try {
                if (store.settle(current, QuotaAmount.of(cost, tokens)) instanceof StoreUnavailable unavailable) {
                    LOG.log(System.Logger.Level.WARNING, "quota store unavailable on settle of reservation {0}: {1}",
                            current.id(), unavailable.reason());
                }
            } catch (RuntimeException e) {
                thrown("settle", e);
            }
        }

        @Override
        public void release() {
            try {
                if (store.release(current) instanceof StoreUnavailable unavailable) {
                    LOG.log(System.Logger.Level.WARNING, "quota store unavailable on release of reservation {0}: {1}",
                            current.id(), unavailable.reason());
                }
            } catch (RuntimeException e) {
                thrown("release", e);
            }
        }
    }
}

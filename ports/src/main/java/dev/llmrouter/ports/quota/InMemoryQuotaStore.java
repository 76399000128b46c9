package dev.llmrouter.ports.quota;

import dev.llmrouter.ports.support.IdleSweeper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * {@link QuotaStore} in process memory, for a single gateway instance.
 *
 * <h2>Concurrency</h2>
 * Each {@code (account, month)} has one {@link Month}: four counters, the number of open
 * reservations and the time of its last use, changed only while holding that month's monitor, for
 * the few nanoseconds of an add and a compare. So one account's operations are linearised
 * ({@code settled + reserved <= limit} is checked and changed as one step) and different accounts
 * never contend. The month is found without building a key: a plain {@link ConcurrentHashMap} read
 * by account, then a scan of that account's one or two months (an array replaced, under the
 * account's monitor, only when a month is added or dropped); a month is created only the first
 * time. Each month also keeps which of its reservations are still open (id and amount, in a
 * primitive table under the same monitor), so that ending one is idempotent: only the caller that
 * finds it still open changes the counters. Keeping them per month rather than in one store-wide
 * map boxes nothing and adds no point of contention between accounts.
 *
 * <h2>Idle expiry that never loses a reservation or a month's spend</h2>
 * Months are dropped by a sweep, not by a cache library: an access-expiring cache reads its clock
 * and records every read to keep its access order, which on this path cost more than the quota
 * check itself, and it evicts a month whatever it holds, so a month with open reservations had to be
 * kept aside and taken back. The sweep instead drops, under the month's monitor, only a month that
 * <ul>
 *   <li>has no open reservation (a month with one is never dropped, however long it is idle);</li>
 *   <li>has not been used for {@code idle};</li>
 *   <li>with {@link QuotaSeed#NONE}, is over for at least {@code idle}: this store is then the only
 *       record of the month's spend, and dropping it earlier would hand an idle account its budget
 *       again. With a real seed (the usage ledger) a dropped month is rebuilt from the seed on next
 *       use, so plain idle expiry is safe.</li>
 * </ul>
 * A dropped month is marked retired under its monitor before it leaves its account (and an account
 * left with no month is marked retired under the account's monitor before it leaves the map); a
 * caller that looked either up just before and then finds it retired looks again, so no reservation
 * ever lands in a dropped month and a key never has two live months. A sweep runs at most once per
 * half {@code idle}, started by an operation that notices it is due and run on the common pool, so
 * no caller pays for it (see {@link IdleSweeper}). Reads ({@link #usage}) do not create state.
 */
public final class InMemoryQuotaStore implements QuotaStore {

    /** Each account's months (usually one; two around a month's turn), found without building a key. */
    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final InstantSource clock;
    private final QuotaSeed seed;
    private final long idleNanos;
    private final boolean keepWholeMonth;
    /** Starts {@link #sweep()} at most once per half {@code idle}, on epoch nanoseconds. */
    private final IdleSweeper sweeper;
    /** One function for the store's lifetime (no per-call capture). */
    private static final Function<String, Account> NEW_ACCOUNT = account -> new Account();

    /** One hour idle expiry, no seed, system clock. */
    public InMemoryQuotaStore() {
        this(InstantSource.system(), Duration.ofHours(1), QuotaSeed.NONE);
    }

    /**
     * @param clock       drives idle expiry and tells when a month is over (tests pass a fake one)
     * @param idleExpiry  how long an account's month is kept unused
     * @param seed        prior usage for a month the store holds no state for
     */
    public InMemoryQuotaStore(InstantSource clock, Duration idleExpiry, QuotaSeed seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seed = Objects.requireNonNull(seed, "seed");
        this.idleNanos = idleExpiry.toNanos();
        if (idleNanos <= 0) {
            throw new IllegalArgumentException("idle expiry must be positive: " + idleExpiry);
        }
        this.keepWholeMonth = seed == QuotaSeed.NONE;
        this.sweeper = new IdleSweeper(this::sweep, Math.max(1, idleNanos / 2), nowNanos());
    }

    @Override
    public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit) {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(period, "period");
        // Read the clock and draw the id before taking the monitor, to keep it held only for the
        // check and the adds (an id drawn for a refusal is simply never used).
        long clockNanos = nowNanos();
        long id = ids.incrementAndGet();
        while (true) {
            Month month = lookup(account, period);
            long now;
            synchronized (month) {
                if (month.retired) {
                    continue;
                }
                now = month.use(clockNanos);
                QuotaRefused refused = month.refusal(amount, limit);
                if (refused != null) {
                    return refused;
                }
                month.reserve(id, amount);
            }
            sweeper.sweepIfDue(now);
            return new Reservation(account, period, id, amount);
        }
    }

    @Override
    public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
        Objects.requireNonNull(newAmount, "newAmount");
        Objects.requireNonNull(limit, "limit");
        Month month = openMonth(held);
        if (month == null) {
            throw new IllegalStateException("reservation " + held.id() + " is not open");
        }
        long clockNanos = nowNanos();
        long id = ids.incrementAndGet();
        synchronized (month) {
            if (!month.isOpen(held.id(), held.amount())) {
                throw new IllegalStateException("reservation " + held.id() + " is not open");
            }
            month.use(clockNanos);
            QuotaRefused refused = month.refusalReplacing(held.amount(), newAmount, limit);
            if (refused != null) {
                return refused;
            }
            month.end(held.id(), held.amount(), QuotaAmount.ZERO);
            month.reserve(id, newAmount);
        }
        return new Reservation(held.account(), held.period(), id, newAmount);
    }

    @Override
    public boolean settle(Reservation reservation, QuotaAmount actual) {
        Objects.requireNonNull(actual, "actual");
        return end(reservation, actual);
    }

    @Override
    public boolean release(Reservation reservation) {
        return end(reservation, QuotaAmount.ZERO);
    }

    private boolean end(Reservation reservation, QuotaAmount counted) {
        long clockNanos = nowNanos();
        Month month = openMonth(reservation);
        if (month == null) {
            return false;
        }
        long now;
        synchronized (month) {
            // Only the caller that finds it still open ends it: ending twice changes nothing.
            if (!month.isOpen(reservation.id(), reservation.amount())) {
                return false;
            }
            now = month.use(clockNanos);
            month.end(reservation.id(), reservation.amount(), counted);
        }
        sweeper.sweepIfDue(now);
        return true;
    }

    @Override
    public QuotaUsage usage(String account, YearMonth period) {
        Month month = held(account, period);
        if (month == null) {
            return new QuotaUsage(seed.settled(account, period), QuotaAmount.ZERO, 0);
        }
        synchronized (month) {
            if (month.retired) {
                return usage(account, period);
            }
            return new QuotaUsage(
                    new QuotaAmount(month.settledCost, month.settledTokens),
                    new QuotaAmount(month.reservedCost, month.reservedTokens),
                    month.outstanding);
        }
    }

    /** Runs the idle sweep now (tests; otherwise operations start it when it is due). */
    void cleanUp() {
        sweep();
    }

    /** Number of account-months held, after sweeping the idle ones now (tests). */
    long heldMonths() {
        sweep();
        long held = 0;
        for (Account account : accounts.values()) {
            held += account.months.length;
        }
        return held;
    }

    /**
     * The month of {@code (account, period)}: held, or new from the seed. It may have been retired
     * by the time the caller takes its monitor; the caller then looks again.
     */
    private Month lookup(String account, YearMonth period) {
        while (true) {
            Account held = accounts.get(account);
            if (held == null) {
                held = accounts.computeIfAbsent(account, NEW_ACCOUNT);
            }
            Month month = held.find(period);
            if (month != null) {
                return month;
            }
            // Months are added only under the account's monitor, so a key never gets two.
            synchronized (held) {
                if (held.retired) {
                    continue;
                }
                month = held.find(period);
                if (month == null) {
                    month = seeded(account, period);
                    held.add(month);
                }
                return month;
            }
        }
    }

    /** The month held for {@code (account, period)}, creating none; possibly retired. */
    private Month held(String account, YearMonth period) {
        Account held = accounts.get(account);
        return held == null ? null : held.find(period);
    }

    /**
     * Drops every month that may go (see the class comment), retiring it under its monitor, and every
     * account left with no month, under the account's monitor (always taken before a month's).
     */
    private void sweep() {
        // One reading for the whole pass: a month used since only looks younger to it.
        long now = nowNanos();
        for (Map.Entry<String, Account> entry : accounts.entrySet()) {
            Account account = entry.getValue();
            synchronized (account) {
                if (account.retired) {
                    continue;
                }
                Month[] months = account.months;
                int kept = 0;
                Month[] keep = new Month[months.length];
                for (Month month : months) {
                    synchronized (month) {
                        if (!month.retired && mayDrop(month, now)) {
                            month.retired = true;
                        } else {
                            keep[kept++] = month;
                        }
                    }
                }
                if (kept < months.length) {
                    account.months = Arrays.copyOf(keep, kept);
                }
                if (kept == 0) {
                    // A caller waiting on this monitor finds it retired and starts a new account.
                    account.retired = true;
                    accounts.remove(entry.getKey(), account);
                }
            }
        }
    }

    private boolean mayDrop(Month month, long now) {
        return month.outstanding == 0
                && now - month.lastUsedNanos >= idleNanos
                && (!keepWholeMonth || now - month.endNanos >= idleNanos);
    }

    /** Wall time in epoch nanoseconds, at millisecond precision (enough for idle expiry). */
    private long nowNanos() {
        return saturatedMultiply(clock.millis(), 1_000_000L);
    }

    /**
     * The month a reservation was made in, if it may still be open there; {@code null} if the store
     * holds no month for its key, in which case it is not open: a month with an open reservation is
     * never dropped. A retired month has nothing open, but a reservation may be open in the month
     * that replaced it, and the drop happened before this caller could take the retired one's
     * monitor, so looking again finds that one (or none).
     */
    private Month openMonth(Reservation reservation) {
        while (true) {
            Month month = held(reservation.account(), reservation.period());
            if (month == null) {
                return null;
            }
            synchronized (month) {
                if (!month.retired) {
                    return month;
                }
            }
        }
    }

    private Month seeded(String account, YearMonth period) {
        QuotaAmount prior = seed.settled(account, period);
        return new Month(period, prior, epochNanos(QuotaAdmission.resetsAt(period)), nowNanos());
    }

    private static long epochNanos(Instant instant) {
        return saturatedAdd(saturatedMultiply(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return (high == 0 && low >= 0) || (high == -1 && low < 0) ? low : Long.MAX_VALUE;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /**
     * One account's months. The array is replaced, never changed, and only under this monitor, so
     * finding a month is a volatile read and a scan of one or two entries with no lock.
     */
    private static final class Account {
        private static final Month[] NONE = new Month[0];

        volatile Month[] months = NONE;
        /** Dropped with no month left: must not get one any more (a caller looks the account up again). */
        boolean retired;

        Month find(YearMonth period) {
            for (Month month : months) {
                if (month.period.equals(period)) {
                    return month;
                }
            }
            return null;
        }

        void add(Month month) {
            Month[] grown = Arrays.copyOf(months, months.length + 1);
            grown[months.length] = month;
            months = grown;
        }
    }

    /**
     * One account-month's counters, guarded by its own monitor. {@code endNanos} (epoch nanoseconds
     * of the next month's start) is computed once so that expiry needs no calendar arithmetic.
     */
    private static final class Month {
        private static final int INITIAL_OPEN = 8;

        final YearMonth period;
        final long endNanos;
        long settledCost;
        long settledTokens;
        long reservedCost;
        long reservedTokens;
        long outstanding;
        /** Epoch nanoseconds of the latest use; never moves back, whatever order callers read the clock in. */
        long lastUsedNanos;
        /** Dropped with nothing open: must not be used any more (a caller looks the key up again). */
        boolean retired;
        /**
         * The open reservations, so that ending one is idempotent without a store-wide map: an
         * open-addressing table (linear probing, deletion by backward shift, no tombstones) of id
         * (never 0) to the amount held, in three parallel arrays so that nothing is boxed.
         */
        private long[] openIds = new long[INITIAL_OPEN];
        private long[] openCosts = new long[INITIAL_OPEN];
        private long[] openTokens = new long[INITIAL_OPEN];

        Month(YearMonth period, QuotaAmount settled, long endNanos, long createdNanos) {
            this.period = period;
            this.settledCost = settled.costNanos();
            this.settledTokens = settled.tokens();
            this.endNanos = endNanos;
            this.lastUsedNanos = createdNanos;
        }

        /** Records a use at {@code now} and answers the latest use. */
        long use(long now) {
            if (now - lastUsedNanos > 0) {
                lastUsedNanos = now;
            }
            return lastUsedNanos;
        }

        /** Null when {@code amount} fits under {@code limit} in both dimensions. */
        QuotaRefused refusal(QuotaAmount amount, QuotaLimit limit) {
            return refusalReplacing(QuotaAmount.ZERO, amount, limit);
        }

        /** Null when {@code amount} fits once {@code replaced} (held in this month) is taken out. */
        QuotaRefused refusalReplacing(QuotaAmount replaced, QuotaAmount amount, QuotaLimit limit) {
            long usedCost = Math.addExact(settledCost, reservedCost) - replaced.costNanos();
            // amount > limit - used, written so that it cannot overflow (limit may be Long.MAX_VALUE).
            if (amount.costNanos() > limit.costNanos() - usedCost) {
                return new QuotaRefused(QuotaDimension.COST, amount.costNanos(), usedCost, limit.costNanos());
            }
            long usedTokens = Math.addExact(settledTokens, reservedTokens) - replaced.tokens();
            if (amount.tokens() > limit.tokens() - usedTokens) {
                return new QuotaRefused(QuotaDimension.TOKENS, amount.tokens(), usedTokens, limit.tokens());
            }
            return null;
        }

        void reserve(long id, QuotaAmount amount) {
            reservedCost = Math.addExact(reservedCost, amount.costNanos());
            reservedTokens = Math.addExact(reservedTokens, amount.tokens());
            // Load factor at most one half: grow before the insert that would pass it.
            if (2 * (outstanding + 1) > openIds.length) {
                resizeOpen(openIds.length * 2);
            }
            outstanding++;
            insert(id, amount.costNanos(), amount.tokens());
        }

        /** Whether reservation {@code id} of {@code amount} is open here (its account and month are this one's). */
        boolean isOpen(long id, QuotaAmount amount) {
            int slot = find(id);
            return slot >= 0 && openCosts[slot] == amount.costNanos() && openTokens[slot] == amount.tokens();
        }

        /** Ends open reservation {@code id} (checked with {@link #isOpen}), counting {@code counted}. */
        void end(long id, QuotaAmount reserved, QuotaAmount counted) {
            settledCost = Math.addExact(settledCost, counted.costNanos());
            settledTokens = Math.addExact(settledTokens, counted.tokens());
            reservedCost -= reserved.costNanos();
            reservedTokens -= reserved.tokens();
            outstanding--;
            delete(find(id));
            if (outstanding == 0 && openIds.length > 8 * INITIAL_OPEN) {
                // A burst should not keep a large table for the rest of the month.
                resizeOpen(INITIAL_OPEN);
            }
        }

        private int home(long id) {
            // Fibonacci hashing: ids are a store-wide sequence, so their low bits alone cluster.
            return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & (openIds.length - 1);
        }

        private int find(long id) {
            int mask = openIds.length - 1;
            for (int slot = home(id); openIds[slot] != 0; slot = (slot + 1) & mask) {
                if (openIds[slot] == id) {
                    return slot;
                }
            }
            return -1;
        }

        private void insert(long id, long cost, long tokens) {
            int mask = openIds.length - 1;
            int slot = home(id);
            while (openIds[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            openIds[slot] = id;
            openCosts[slot] = cost;
            openTokens[slot] = tokens;
        }

        /** Empties {@code slot} and moves back any later entry of its cluster that would be cut off from its home. */
        private void delete(int slot) {
            int mask = openIds.length - 1;
            int gap = slot;
            for (int next = (gap + 1) & mask; openIds[next] != 0; next = (next + 1) & mask) {
                int home = home(openIds[next]);
                // Move next into the gap unless its home lies cyclically in (gap, next].
                if (((next - home) & mask) >= ((next - gap) & mask)) {
                    openIds[gap] = openIds[next];
                    openCosts[gap] = openCosts[next];
                    openTokens[gap] = openTokens[next];
                    gap = next;
                }
            }
            openIds[gap] = 0;
            openCosts[gap] = 0;
            openTokens[gap] = 0;
        }

        private void resizeOpen(int capacity) {
            long[] ids = openIds;
            long[] costs = openCosts;
            long[] tokens = openTokens;
            openIds = new long[capacity];
            openCosts = new long[capacity];
            openTokens = new long[capacity];
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] != 0) {
                    insert(ids[i], costs[i], tokens[i]);
                }
            }
        }
    }
}

package dev.llmrouter.adapters.inmemory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.llmrouter.ports.quota.EndResult;
import dev.llmrouter.ports.quota.Ended;
import dev.llmrouter.ports.quota.NotOpen;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaDimension;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaPeriods;
import dev.llmrouter.ports.quota.QuotaRefused;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaUsage;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * {@link QuotaStore} in process memory, for a single gateway instance. It never answers
 * {@link dev.llmrouter.ports.quota.StoreUnavailable}: memory always answers.
 *
 * <h2>Concurrency</h2>
 * Each account has one {@link Account}: its months (usually one; two around a month's turn), each
 * with four counters, the number of open reservations and the time of its last use, changed only
 * while holding the account's monitor, for the few nanoseconds of an add and a compare. So one
 * account's operations are linearised ({@code settled + reserved <= limit} is checked and changed as
 * one step) and different accounts never contend. Each month also keeps its reservations (id,
 * amount, lease end, in a primitive table under the same monitor), so that ending one is idempotent:
 * only the caller that finds it still open changes the counters.
 *
 * <h2>Leases</h2>
 * Before any operation on a month, the reservations whose lease has ended are released: their
 * amount leaves {@code reserved}, and they are kept, marked expired, so that a late settle still
 * counts the actual usage once ({@link Ended#AFTER_LEASE}) and a second end is {@link NotOpen}.
 * Finding them costs a scan only when the earliest lease end has passed. Expired reservations go
 * with their month.
 *
 * <h2>Idle expiry that never loses an open reservation or a month's spend</h2>
 * Accounts are held in a Caffeine cache with a variable expiry, read on the store's clock (the
 * cache's {@link Ticker} reads the injected {@link InstantSource}, so tests move it by hand). An
 * operation finds the account without the cache's read bookkeeping (a read buffer and its drain,
 * the dearest part of a lookup), and renews the account's expiry through a cache read only when the
 * expiry last set would not cover this use. A renewal sets it a little ({@code slack}: idle / 16,
 * at most a second) beyond what the rules below ask, so that it covers the uses of the next half
 * slack. After every use the expiry is at least
 * <ul>
 *   <li>{@code idle} after this use, and after a reservation its lease (a renewal keeps the longest
 *       lease ever asked for): every reservation made until now has expired before its account can
 *       be dropped, so an open reservation is never lost;</li>
 *   <li>with {@link QuotaSeed#NONE}, {@code idle} after the end of the latest month it holds: this
 *       store is then the only record of the month's spend, and dropping it earlier would hand an
 *       idle account its budget again. With a real seed (the usage ledger) a dropped month is
 *       rebuilt from the seed on next use, so plain idle expiry is safe.</li>
 * </ul>
 * The cache's eviction listener runs inside the atomic eviction and marks the account retired under
 * its monitor; a caller that looked it up just before and then finds it retired looks again, so no
 * reservation ever lands in a dropped account and an account never has two live states. A month
 * of a held account is dropped (when another month is added) on the same rules. Reads
 * ({@link #usage}) create no state.
 */
public final class InMemoryQuotaStore implements QuotaStore {

    /** How much longer than the rules ask an expiry is set, so that most uses need not renew it. */
    private static final long MAX_SLACK_NANOS = 1_000_000_000L;

    private final Cache<String, Account> accounts;
    private final Policy<String, Account> policy;
    private final long slackNanos;
    private final AtomicLong ids = new AtomicLong();
    private final InstantSource clock;
    private final QuotaSeed seed;
    private final long idleNanos;
    private final boolean keepWholeMonth;
    /** The longest lease asked for so far: an account is kept at least this long after each use. */
    private final AtomicLong longestLeaseNanos = new AtomicLong();
    private final Function<String, Account> newAccount = account -> new Account();

    /** One hour idle expiry, no seed, system clock. */
    public InMemoryQuotaStore() {
        this(InstantSource.system(), Duration.ofHours(1), QuotaSeed.NONE);
    }

    /**
     * @param clock       drives leases and idle expiry and tells when a month is over (tests pass a fake one)
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
        this.slackNanos = Math.min(MAX_SLACK_NANOS, idleNanos / 16);
        Ticker ticker = this::nowNanos;
        this.accounts = Caffeine.newBuilder()
                .ticker(ticker)
                .expireAfter(new KeepWhileNeeded())
                .evictionListener((String key, Account account, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (account != null) {
                        synchronized (account) {
                            account.retired = true;
                        }
                    }
                })
                .build();
        this.policy = accounts.policy();
    }

    @Override
    public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(limit, "limit");
        long leaseNanos = lease.toNanos();
        if (leaseNanos <= 0) {
            throw new IllegalArgumentException("lease must be positive: " + lease);
        }
        if (leaseNanos > longestLeaseNanos.get()) {
            // Raised before the account is read, so that this read already keeps it past the lease.
            longestLeaseNanos.accumulateAndGet(leaseNanos, Math::max);
        }
        long id = ids.incrementAndGet();
        while (true) {
            Account held = lookup(account);
            boolean added = false;
            long now = nowNanos();
            if (!renewed(account, held, now, Math.max(idleNanos, leaseNanos))) {
                continue;
            }
            long expiresAt = saturatedAdd(now, leaseNanos);
            synchronized (held) {
                if (held.retired) {
                    continue;
                }
                Month month = held.find(period);
                if (month == null) {
                    month = newMonth(account, period, now);
                    held.add(month, this, now);
                    added = true;
                }
                month.use(now);
                month.expire(now);
                QuotaRefused refused = month.refusal(amount, limit);
                if (refused != null) {
                    return refused;
                }
                month.reserve(id, amount, expiresAt);
            }
            if (added) {
                // Read again so the cache's expiry counts the month just added (its end, with no seed).
                accounts.getIfPresent(account);
            }
            return new Reservation(account, period, id, amount, expiresAt);
        }
    }

    @Override
    public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
        Objects.requireNonNull(newAmount, "newAmount");
        Objects.requireNonNull(limit, "limit");
        long id = ids.incrementAndGet();
        while (true) {
            Account account = policy.getIfPresentQuietly(held.account());
            if (account == null) {
                return new NotOpen(held.id());
            }
            long now = nowNanos();
            if (!renewed(held.account(), account, now, idleNanos)) {
                continue;
            }
            synchronized (account) {
                if (account.retired) {
                    continue;
                }
                Month month = account.find(held.period());
                if (month == null) {
                    return new NotOpen(held.id());
                }
                month.expire(now);
                if (month.state(held.id(), held.amount()) != Month.IN_LEASE) {
                    return new NotOpen(held.id());
                }
                month.use(now);
                QuotaRefused refused = month.refusalReplacing(held.amount(), newAmount, limit);
                if (refused != null) {
                    return refused;
                }
                month.end(held.id(), held.amount(), QuotaAmount.ZERO);
                month.reserve(id, newAmount, held.expiresAtEpochNanos());
            }
            return new Reservation(held.account(), held.period(), id, newAmount, held.expiresAtEpochNanos());
        }
    }

    @Override
    public EndResult settle(Reservation reservation, QuotaAmount actual) {
        Objects.requireNonNull(actual, "actual");
        return end(reservation, actual);
    }

    @Override
    public EndResult release(Reservation reservation) {
        return end(reservation, QuotaAmount.ZERO);
    }

    private EndResult end(Reservation reservation, QuotaAmount counted) {
        while (true) {
            Account account = policy.getIfPresentQuietly(reservation.account());
            if (account == null) {
                // Dropped only once every lease in it had ended: the seed holds what it settled.
                return new NotOpen(reservation.id());
            }
            long now = nowNanos();
            if (!renewed(reservation.account(), account, now, idleNanos)) {
                continue;
            }
            synchronized (account) {
                if (account.retired) {
                    continue;
                }
                Month month = account.find(reservation.period());
                if (month == null) {
                    return new NotOpen(reservation.id());
                }
                month.expire(now);
                // Only the caller that finds it still held ends it: ending twice changes nothing.
                int state = month.state(reservation.id(), reservation.amount());
                if (state == Month.ABSENT) {
                    return new NotOpen(reservation.id());
                }
                month.use(now);
                if (state == Month.EXPIRED) {
                    month.endExpired(reservation.id(), counted);
                    return Ended.AFTER_LEASE;
                }
                month.end(reservation.id(), reservation.amount(), counted);
                return Ended.WITHIN_LEASE;
            }
        }
    }

    @Override
    public QuotaUsage usage(String account, YearMonth period) {
        while (true) {
            Account held = policy.getIfPresentQuietly(account);
            Month month;
            if (held == null) {
                return new QuotaUsage(seed.settled(account, period), QuotaAmount.ZERO, 0);
            }
            synchronized (held) {
                if (held.retired) {
                    continue;
                }
                month = held.find(period);
                if (month == null) {
                    return new QuotaUsage(seed.settled(account, period), QuotaAmount.ZERO, 0);
                }
                month.expire(nowNanos());
                return new QuotaUsage(
                        new QuotaAmount(month.settledCost, month.settledTokens),
                        new QuotaAmount(month.reservedCost, month.reservedTokens),
                        month.outstanding);
            }
        }
    }

    /** Runs the cache's pending expiry now (tests; otherwise operations run it as they go). */
    void cleanUp() {
        accounts.cleanUp();
    }

    /** Number of account-months held, after dropping the expired accounts now (tests). */
    long heldMonths() {
        accounts.cleanUp();
        long held = 0;
        for (Account account : accounts.asMap().values()) {
            synchronized (account) {
                held += account.months.length;
            }
        }
        return held;
    }

    private Account lookup(String account) {
        Account held = policy.getIfPresentQuietly(account);
        return held != null ? held : accounts.get(account, newAccount);
    }

    /**
     * Makes sure the cache keeps {@code held} at least {@code keep} after {@code now}, renewing its
     * expiry through a cache read when the one last set falls short (by less than half the slack,
     * since renewals may race); false when {@code held} is no longer the cache's entry (look again).
     */
    private boolean renewed(String key, Account held, long now, long keep) {
        return held.keptUntilNanos - now >= saturatedAdd(keep, slackNanos / 2)
                || accounts.getIfPresent(key) == held;
    }

    /** Whether a month of a held account may go (when another is added): the cache's rules, per month. */
    private boolean mayDrop(Month month, long now) {
        month.expire(now);
        return month.outstanding == 0
                && now - month.lastUsedNanos >= idleNanos
                && (!keepWholeMonth || now - month.endNanos >= idleNanos);
    }

    /** Wall time in epoch nanoseconds, at millisecond precision (enough for leases and idle expiry). */
    private long nowNanos() {
        return saturatedMultiply(clock.millis(), 1_000_000L);
    }

    private Month newMonth(String account, YearMonth period, long now) {
        QuotaAmount prior = seed.settled(account, period);
        return new Month(period, prior, epochNanos(QuotaPeriods.resetsAt(period)), now);
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

    /** The cache's expiry: see the class comment. Reads only fields that are final or volatile. */
    private final class KeepWhileNeeded implements Expiry<String, Account> {
        @Override
        public long expireAfterCreate(String key, Account account, long now) {
            return keep(account, now);
        }

        @Override
        public long expireAfterUpdate(String key, Account account, long now, long currentDuration) {
            return keep(account, now);
        }

        @Override
        public long expireAfterRead(String key, Account account, long now, long currentDuration) {
            return keep(account, now);
        }

        private long keep(Account account, long now) {
            long keep = saturatedAdd(Math.max(idleNanos, longestLeaseNanos.get()), slackNanos);
            if (keepWholeMonth) {
                keep = Math.max(keep, saturatedAdd(account.latestMonthEndNanos, idleNanos) - now);
            }
            account.keptUntilNanos = saturatedAdd(now, keep);
            return keep;
        }
    }

    /**
     * One account's months, guarded by its monitor. The array is replaced, never changed, so the
     * expiry may read {@link #latestMonthEndNanos} without the monitor.
     */
    private static final class Account {
        private static final Month[] NONE = new Month[0];

        Month[] months = NONE;
        /** Epoch nanoseconds until which the cache was last told to keep this account. */
        volatile long keptUntilNanos;
        /** Epoch nanoseconds at which the latest month held ends. */
        volatile long latestMonthEndNanos = Long.MIN_VALUE;
        /** Evicted: must not be used any more (a caller looks the account up again). */
        boolean retired;

        Month find(YearMonth period) {
            for (Month month : months) {
                if (month.period.equals(period)) {
                    return month;
                }
            }
            return null;
        }

        /** Adds {@code month}, dropping the months that may go. */
        void add(Month month, InMemoryQuotaStore store, long now) {
            Month[] grown = new Month[months.length + 1];
            int kept = 0;
            for (Month m : months) {
                if (!store.mayDrop(m, now)) {
                    grown[kept++] = m;
                }
            }
            grown[kept++] = month;
            months = Arrays.copyOf(grown, kept);
            if (month.endNanos > latestMonthEndNanos) {
                latestMonthEndNanos = month.endNanos;
            }
        }
    }

    /**
     * One account-month's counters, guarded by its account's monitor. {@code endNanos} (epoch
     * nanoseconds of the next month's start) is computed once so that expiry needs no calendar
     * arithmetic.
     */
    private static final class Month {
        private static final int INITIAL_CAPACITY = 8;
        /** Lease end of a reservation whose lease has ended (its amount no longer reserved). */
        private static final long LAPSED = Long.MIN_VALUE;
        static final int ABSENT = 0;
        static final int IN_LEASE = 1;
        static final int EXPIRED = 2;

        final YearMonth period;
        final long endNanos;
        long settledCost;
        long settledTokens;
        long reservedCost;
        long reservedTokens;
        /** Reservations in their lease. */
        long outstanding;
        /** Reservations whose lease ended, kept until ended or until the month goes. */
        long lapsed;
        /** The earliest lease end among the reservations in lease; {@code Long.MAX_VALUE} when none. */
        long nextLeaseEndNanos = Long.MAX_VALUE;
        /** Epoch nanoseconds of the latest use; never moves back, whatever order callers read the clock in. */
        long lastUsedNanos;
        /**
         * The reservations: an open-addressing table (linear probing, deletion by backward shift, no
         * tombstones) of id (never 0) to the amount held and the lease end, in parallel arrays so that
         * nothing is boxed.
         */
        private long[] ids = new long[INITIAL_CAPACITY];
        private long[] costs = new long[INITIAL_CAPACITY];
        private long[] tokens = new long[INITIAL_CAPACITY];
        private long[] leaseEnds = new long[INITIAL_CAPACITY];

        Month(YearMonth period, QuotaAmount settled, long endNanos, long createdNanos) {
            this.period = period;
            this.settledCost = settled.costNanos();
            this.settledTokens = settled.tokens();
            this.endNanos = endNanos;
            this.lastUsedNanos = createdNanos;
        }

        void use(long now) {
            if (now - lastUsedNanos > 0) {
                lastUsedNanos = now;
            }
        }

        /** Releases every reservation whose lease has ended by {@code now}, keeping it as lapsed. */
        void expire(long now) {
            if (now < nextLeaseEndNanos) {
                return;
            }
            long next = Long.MAX_VALUE;
            for (int slot = 0; slot < ids.length; slot++) {
                if (ids[slot] == 0 || leaseEnds[slot] == LAPSED) {
                    continue;
                }
                if (leaseEnds[slot] <= now) {
                    reservedCost -= costs[slot];
                    reservedTokens -= tokens[slot];
                    outstanding--;
                    lapsed++;
                    leaseEnds[slot] = LAPSED;
                } else {
                    next = Math.min(next, leaseEnds[slot]);
                }
            }
            nextLeaseEndNanos = next;
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

        void reserve(long id, QuotaAmount amount, long leaseEnd) {
            reservedCost = Math.addExact(reservedCost, amount.costNanos());
            reservedTokens = Math.addExact(reservedTokens, amount.tokens());
            // Load factor at most one half: grow before the insert that would pass it.
            if (2 * (outstanding + lapsed + 1) > ids.length) {
                resize(ids.length * 2);
            }
            outstanding++;
            nextLeaseEndNanos = Math.min(nextLeaseEndNanos, leaseEnd);
            insert(id, amount.costNanos(), amount.tokens(), leaseEnd);
        }

        /** {@link #ABSENT}, {@link #IN_LEASE} or {@link #EXPIRED}, for reservation {@code id} of {@code amount}. */
        int state(long id, QuotaAmount amount) {
            int slot = find(id);
            if (slot < 0 || costs[slot] != amount.costNanos() || tokens[slot] != amount.tokens()) {
                return ABSENT;
            }
            return leaseEnds[slot] == LAPSED ? EXPIRED : IN_LEASE;
        }

        /** Ends reservation {@code id} in its lease (checked with {@link #state}), counting {@code counted}. */
        void end(long id, QuotaAmount reserved, QuotaAmount counted) {
            settledCost = Math.addExact(settledCost, counted.costNanos());
            settledTokens = Math.addExact(settledTokens, counted.tokens());
            reservedCost -= reserved.costNanos();
            reservedTokens -= reserved.tokens();
            outstanding--;
            remove(find(id));
        }

        /** Ends lapsed reservation {@code id} (its amount is no longer reserved), counting {@code counted}. */
        void endExpired(long id, QuotaAmount counted) {
            settledCost = Math.addExact(settledCost, counted.costNanos());
            settledTokens = Math.addExact(settledTokens, counted.tokens());
            lapsed--;
            remove(find(id));
        }

        private void remove(int slot) {
            delete(slot);
            if (outstanding + lapsed == 0 && ids.length > 8 * INITIAL_CAPACITY) {
                // A burst should not keep a large table for the rest of the month.
                resize(INITIAL_CAPACITY);
            }
        }

        private int home(long id) {
            // Fibonacci hashing: ids are a store-wide sequence, so their low bits alone cluster.
            return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & (ids.length - 1);
        }

        private int find(long id) {
            int mask = ids.length - 1;
            for (int slot = home(id); ids[slot] != 0; slot = (slot + 1) & mask) {
                if (ids[slot] == id) {
                    return slot;
                }
            }
            return -1;
        }

        private void insert(long id, long cost, long tokenCount, long leaseEnd) {
            int mask = ids.length - 1;
            int slot = home(id);
            while (ids[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            ids[slot] = id;
            costs[slot] = cost;
            tokens[slot] = tokenCount;
            leaseEnds[slot] = leaseEnd;
        }

        /** Empties {@code slot} and moves back any later entry of its cluster that would be cut off from its home. */
        private void delete(int slot) {
            int mask = ids.length - 1;
            int gap = slot;
            for (int next = (gap + 1) & mask; ids[next] != 0; next = (next + 1) & mask) {
                int home = home(ids[next]);
                // Move next into the gap unless its home lies cyclically in (gap, next].
                if (((next - home) & mask) >= ((next - gap) & mask)) {
                    ids[gap] = ids[next];
                    costs[gap] = costs[next];
                    tokens[gap] = tokens[next];
                    leaseEnds[gap] = leaseEnds[next];
                    gap = next;
                }
            }
            ids[gap] = 0;
            costs[gap] = 0;
            tokens[gap] = 0;
            leaseEnds[gap] = 0;
        }

        private void resize(int capacity) {
            long[] oldIds = ids;
            long[] oldCosts = costs;
            long[] oldTokens = tokens;
            long[] oldLeaseEnds = leaseEnds;
            ids = new long[capacity];
            costs = new long[capacity];
            tokens = new long[capacity];
            leaseEnds = new long[capacity];
            for (int i = 0; i < oldIds.length; i++) {
                if (oldIds[i] != 0) {
                    insert(oldIds[i], oldCosts[i], oldTokens[i], oldLeaseEnds[i]);
                }
            }
        }
    }
}

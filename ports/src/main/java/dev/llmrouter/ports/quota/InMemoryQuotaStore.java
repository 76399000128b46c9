package dev.llmrouter.ports.quota;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * {@link QuotaStore} in process memory, for a single gateway instance.
 *
 * <h2>Concurrency</h2>
 * Each {@code (account, month)} has one {@link Month}: four counters and the number of open
 * reservations, changed only while holding that month's monitor, for the few nanoseconds of an add
 * and a compare. So one account's operations are linearised ({@code settled + reserved <= limit} is
 * checked and changed as one step) and different accounts never contend. The month is found through
 * Caffeine's read path ({@code get}): no cache write, hence no maintenance task, per operation. Which
 * reservations are still open is kept in a concurrent map from id to reservation, so that ending one
 * is idempotent: only the caller whose {@code remove} succeeds changes the counters.
 *
 * <h2>Idle expiry that never loses a reservation or a month's spend</h2>
 * <ul>
 *   <li>A month with open reservations is never lost. When Caffeine evicts it, the eviction
 *       listener (which runs atomically with the removal, under the entry's lock) moves it to a
 *       side map of <em>pinned</em> months; the next lookup of that key (under the same lock) takes
 *       it back from there before it would create a new one. The same object comes back, so a
 *       caller that looked it up before the eviction still holds the live month.</li>
 *   <li>A month with nothing open is evicted for good after {@code idle} without use, and marked
 *       retired under its monitor; a caller that looked it up just before and then finds it retired
 *       looks it up again, so no reservation ever lands in a dropped month.</li>
 *   <li>With {@link QuotaSeed#NONE} this store is the only record of the month's spend, and dropping
 *       it would hand an idle account its budget again: a month is then kept at least until it is
 *       over (plus {@code idle}). With a real seed (the usage ledger) an evicted month is rebuilt
 *       from the seed on next use, so plain idle expiry is safe.</li>
 * </ul>
 * Reads ({@link #usage}) do not create state.
 */
public final class InMemoryQuotaStore implements QuotaStore {

    private final Cache<Key, Month> months;
    /** Evicted months that still had open reservations; taken back on next lookup. */
    private final ConcurrentHashMap<Key, Month> pinned = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Reservation> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final QuotaSeed seed;
    /** Cached, pinned, or new from the seed; one function for the store's lifetime (no per-call capture). */
    private final Function<Key, Month> load = key -> {
        Month back = pinned.remove(key);
        return back != null ? back : seeded(key);
    };

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
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(seed, "seed");
        long idleNanos = idleExpiry.toNanos();
        if (idleNanos <= 0) {
            throw new IllegalArgumentException("idle expiry must be positive: " + idleExpiry);
        }
        this.seed = seed;
        boolean keepWholeMonth = seed == QuotaSeed.NONE;
        this.months = Caffeine.newBuilder()
                // Millisecond wall time is precise enough for idle expiry and cheaper than an Instant.
                .ticker(() -> saturatedMultiply(clock.millis(), 1_000_000L))
                .expireAfter(new Expiry<Key, Month>() {
                    @Override
                    public long expireAfterCreate(Key key, Month month, long now) {
                        return lifetime(month, now);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Month month, long now, long current) {
                        return lifetime(month, now);
                    }

                    @Override
                    public long expireAfterRead(Key key, Month month, long now, long current) {
                        return lifetime(month, now);
                    }

                    private long lifetime(Month month, long now) {
                        if (!keepWholeMonth) {
                            return idleNanos;
                        }
                        return saturatedAdd(Math.max(0, month.endNanos - now), idleNanos);
                    }
                })
                .evictionListener((Key key, Month month, RemovalCause cause) -> {
                    if (month != null && !month.retireUnlessOpen()) {
                        pinned.put(key, month);
                    }
                })
                .build();
    }

    @Override
    public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit) {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(limit, "limit");
        Key key = new Key(account, period);
        while (true) {
            Month month = lookup(key);
            synchronized (month) {
                if (month.retired) {
                    continue;
                }
                QuotaRefused refused = month.refusal(amount, limit);
                if (refused != null) {
                    return refused;
                }
                month.reserve(amount);
            }
            Reservation reservation = new Reservation(account, period, ids.incrementAndGet(), amount);
            open.put(reservation.id(), reservation);
            return reservation;
        }
    }

    @Override
    public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
        Objects.requireNonNull(newAmount, "newAmount");
        Objects.requireNonNull(limit, "limit");
        if (!open.remove(held.id(), held)) {
            throw new IllegalStateException("reservation " + held.id() + " is not open");
        }
        Month month = openMonth(held);
        ReserveResult result;
        synchronized (month) {
            QuotaRefused refused = month.refusalReplacing(held.amount(), newAmount, limit);
            if (refused == null) {
                month.end(held.amount(), QuotaAmount.ZERO);
                month.reserve(newAmount);
            }
            result = refused;
        }
        Reservation kept = result == null
                ? new Reservation(held.account(), held.period(), ids.incrementAndGet(), newAmount)
                : held;
        open.put(kept.id(), kept);
        return result == null ? kept : result;
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
        if (!open.remove(reservation.id(), reservation)) {
            return false;
        }
        Month month = openMonth(reservation);
        synchronized (month) {
            month.end(reservation.amount(), counted);
        }
        return true;
    }

    @Override
    public QuotaUsage usage(String account, YearMonth period) {
        Key key = new Key(account, period);
        Month month = months.getIfPresent(key);
        if (month == null) {
            month = pinned.get(key);
        }
        if (month == null) {
            // An expired entry reads as absent until maintenance evicts (and, if open, pins) it.
            months.cleanUp();
            month = pinned.get(key);
        }
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

    /** Runs pending expiry now (tests; Caffeine otherwise does it as a side effect of use). */
    void cleanUp() {
        months.cleanUp();
    }

    /** Number of account-months held, pinned ones included, after pending expiry (tests). */
    long heldMonths() {
        months.cleanUp();
        return months.estimatedSize() + pinned.size();
    }

    /** The month of a key: cached, or taken back from the pinned ones, or new from the seed. */
    private Month lookup(Key key) {
        return months.get(key, load);
    }

    /**
     * The month of an open reservation. It cannot have been retired: a month with an open
     * reservation is pinned on eviction, never retired, and the reservation is still counted in it.
     */
    private Month openMonth(Reservation reservation) {
        Month month = lookup(new Key(reservation.account(), reservation.period()));
        if (month.retired) {
            throw new IllegalStateException("quota month of open reservation " + reservation.id() + " was dropped");
        }
        return month;
    }

    private Month seeded(Key key) {
        QuotaAmount prior = seed.settled(key.account(), key.period());
        return new Month(prior, epochNanos(QuotaAdmission.resetsAt(key.period())));
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

    private record Key(String account, YearMonth period) {
        Key {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(period, "period");
        }
    }

    /**
     * One account-month's counters, guarded by its own monitor. {@code endNanos} (epoch nanoseconds
     * of the next month's start) is computed once so that expiry needs no calendar arithmetic.
     */
    private static final class Month {
        final long endNanos;
        long settledCost;
        long settledTokens;
        long reservedCost;
        long reservedTokens;
        long outstanding;
        /** Evicted with nothing open: must not be used any more (a caller looks the key up again). */
        boolean retired;

        Month(QuotaAmount settled, long endNanos) {
            this.settledCost = settled.costNanos();
            this.settledTokens = settled.tokens();
            this.endNanos = endNanos;
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

        void reserve(QuotaAmount amount) {
            reservedCost = Math.addExact(reservedCost, amount.costNanos());
            reservedTokens = Math.addExact(reservedTokens, amount.tokens());
            outstanding++;
        }

        void end(QuotaAmount reserved, QuotaAmount counted) {
            settledCost = Math.addExact(settledCost, counted.costNanos());
            settledTokens = Math.addExact(settledTokens, counted.tokens());
            reservedCost -= reserved.costNanos();
            reservedTokens -= reserved.tokens();
            outstanding--;
        }

        /** On eviction: retire if nothing is open and answer true; else answer false (to be pinned). */
        synchronized boolean retireUnlessOpen() {
            if (outstanding > 0) {
                return false;
            }
            retired = true;
            return true;
        }
    }
}

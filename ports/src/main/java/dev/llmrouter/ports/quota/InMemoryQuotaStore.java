package dev.llmrouter.ports.quota;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link QuotaStore} in process memory, for a single gateway instance.
 *
 * <h2>Concurrency</h2>
 * Each {@code (account, month)} has one immutable {@link MonthState}. Every change runs in
 * {@code cache.asMap().compute(key, ...)}, which locks that one entry (a hash bin) for the few
 * nanoseconds of an add and a compare: accounts never contend, and one account's operations are
 * linearised, so {@code settled + reserved <= limit} is checked and changed as one step. Which
 * reservations are still open is kept in a concurrent map from id to reservation, so that ending one
 * is idempotent: only the caller whose {@code remove} succeeds changes the counters.
 *
 * <h2>Idle expiry that never loses a reservation or a month's spend</h2>
 * State lives in a Caffeine cache with a per-entry {@link Expiry}, re-evaluated on every change
 * because every change writes a new immutable state:
 * <ul>
 *   <li>a state with an open reservation never expires (the reservation's settle must find it);</li>
 *   <li>otherwise it expires after {@code idle} without use, but with {@link QuotaSeed#NONE} not
 *       before its month is over: this store is then the only record of the month's spend, and
 *       dropping it would hand an idle account its budget again. With a real seed (the usage ledger)
 *       an evicted month is rebuilt from the seed on next use, so plain idle expiry is safe.</li>
 * </ul>
 * Reads ({@link #usage}) do not create state.
 */
public final class InMemoryQuotaStore implements QuotaStore {

    private static final long NEVER = Long.MAX_VALUE;

    private final Cache<Key, MonthState> months;
    private final ConcurrentHashMap<Long, Reservation> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final QuotaSeed seed;

    /** One hour idle expiry, no seed, system clock. */
    public InMemoryQuotaStore() {
        this(InstantSource.system(), Duration.ofHours(1), QuotaSeed.NONE);
    }

    /**
     * @param clock       drives idle expiry and tells when a month is over (tests pass a fake one)
     * @param idleExpiry  how long an account's month without open reservations is kept unused
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
                .expireAfter(new Expiry<Key, MonthState>() {
                    @Override
                    public long expireAfterCreate(Key key, MonthState state, long now) {
                        return lifetime(key, state, now);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, MonthState state, long now, long current) {
                        return lifetime(key, state, now);
                    }

                    @Override
                    public long expireAfterRead(Key key, MonthState state, long now, long current) {
                        return lifetime(key, state, now);
                    }

                    private long lifetime(Key key, MonthState state, long now) {
                        if (state.outstanding() > 0) {
                            return NEVER;
                        }
                        if (!keepWholeMonth) {
                            return idleNanos;
                        }
                        long untilMonthEnds = Math.max(0, state.monthEndNanos() - now);
                        return saturatedAdd(untilMonthEnds, idleNanos);
                    }
                })
                .build();
    }

    @Override
    public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit) {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(limit, "limit");
        Key key = new Key(account, period);
        ReserveResult[] result = new ReserveResult[1];
        months.asMap().compute(key, (k, state) -> {
            MonthState current = state != null ? state : seeded(k);
            QuotaRefused refused = current.refusal(amount, limit);
            if (refused != null) {
                result[0] = refused;
                return current;
            }
            result[0] = new Reservation(account, period, ids.incrementAndGet(), amount);
            return current.reserve(amount);
        });
        if (result[0] instanceof Reservation reservation) {
            open.put(reservation.id(), reservation);
        }
        return result[0];
    }

    @Override
    public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
        Objects.requireNonNull(newAmount, "newAmount");
        Objects.requireNonNull(limit, "limit");
        if (!open.remove(held.id(), held)) {
            throw new IllegalStateException("reservation " + held.id() + " is not open");
        }
        ReserveResult[] result = new ReserveResult[1];
        months.asMap().compute(new Key(held.account(), held.period()), (k, state) -> {
            MonthState current = requireState(k, state);
            MonthState without = current.end(held.amount(), QuotaAmount.ZERO);
            QuotaRefused refused = without.refusal(newAmount, limit);
            if (refused != null) {
                result[0] = refused;
                return current;
            }
            result[0] = new Reservation(held.account(), held.period(), ids.incrementAndGet(), newAmount);
            return without.reserve(newAmount);
        });
        Reservation kept = result[0] instanceof Reservation resized ? resized : held;
        open.put(kept.id(), kept);
        return result[0];
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
        months.asMap().compute(new Key(reservation.account(), reservation.period()),
                (k, state) -> requireState(k, state).end(reservation.amount(), counted));
        return true;
    }

    @Override
    public QuotaUsage usage(String account, YearMonth period) {
        MonthState state = months.getIfPresent(new Key(account, period));
        if (state == null) {
            return new QuotaUsage(seed.settled(account, period), QuotaAmount.ZERO, 0);
        }
        return new QuotaUsage(
                new QuotaAmount(state.settledCost(), state.settledTokens()),
                new QuotaAmount(state.reservedCost(), state.reservedTokens()),
                state.outstanding());
    }

    /** Runs pending expiry now (tests; Caffeine otherwise does it as a side effect of use). */
    void cleanUp() {
        months.cleanUp();
    }

    /** Number of account-months held (tests). */
    long heldMonths() {
        months.cleanUp();
        return months.estimatedSize();
    }

    private MonthState seeded(Key key) {
        QuotaAmount prior = seed.settled(key.account(), key.period());
        return new MonthState(prior.costNanos(), prior.tokens(), 0, 0, 0,
                epochNanos(QuotaAdmission.resetsAt(key.period())));
    }

    private static MonthState requireState(Key key, MonthState state) {
        if (state == null) {
            // Cannot happen: a state with an open reservation never expires.
            throw new IllegalStateException("no quota state for " + key + " although a reservation is open");
        }
        return state;
    }

    private static long epochNanos(Instant instant) {
        return saturatedAdd(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
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
     * One account-month's counters. Immutable: a change is a new state (see class comment).
     * {@code monthEndNanos} (epoch nanoseconds of the next month's start) is computed once per state
     * lineage so that expiry needs no calendar arithmetic per operation.
     */
    private record MonthState(long settledCost, long settledTokens, long reservedCost, long reservedTokens,
            long outstanding, long monthEndNanos) {

        /** Null when {@code amount} fits under {@code limit} in both dimensions. */
        QuotaRefused refusal(QuotaAmount amount, QuotaLimit limit) {
            long usedCost = Math.addExact(settledCost, reservedCost);
            // amount > limit - used, written so that it cannot overflow (limit may be Long.MAX_VALUE).
            if (amount.costNanos() > limit.costNanos() - usedCost) {
                return new QuotaRefused(QuotaDimension.COST, amount.costNanos(), usedCost, limit.costNanos());
            }
            long usedTokens = Math.addExact(settledTokens, reservedTokens);
            if (amount.tokens() > limit.tokens() - usedTokens) {
                return new QuotaRefused(QuotaDimension.TOKENS, amount.tokens(), usedTokens, limit.tokens());
            }
            return null;
        }

        MonthState reserve(QuotaAmount amount) {
            return new MonthState(settledCost, settledTokens,
                    Math.addExact(reservedCost, amount.costNanos()),
                    Math.addExact(reservedTokens, amount.tokens()),
                    outstanding + 1,
                    monthEndNanos);
        }

        MonthState end(QuotaAmount reserved, QuotaAmount counted) {
            return new MonthState(
                    Math.addExact(settledCost, counted.costNanos()),
                    Math.addExact(settledTokens, counted.tokens()),
                    reservedCost - reserved.costNanos(),
                    reservedTokens - reserved.tokens(),
                    outstanding - 1,
                    monthEndNanos);
        }
    }
}

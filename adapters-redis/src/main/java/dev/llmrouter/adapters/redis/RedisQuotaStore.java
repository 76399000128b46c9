package dev.llmrouter.adapters.redis;

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
import dev.llmrouter.ports.quota.StoreUnavailable;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link QuotaStore} on Redis, shared by every gateway process that uses the same server
 * (Requirements 7.2 and 7.4, Property 24). Each operation is one Lua script, so one round trip and
 * atomic on the server: reserve, resize, settle and release each read, check and change an account's
 * month in one step, whichever process calls.
 *
 * <h2>Keys</h2>
 * An account's month is three keys, all carrying the account in a hash tag ({@code {account}}) so
 * that they share a hash slot and the scripts run unchanged on Redis Cluster:
 * <ul>
 *   <li>{@code llmr:q:{account}:2026-01}, a hash: settled and reserved cost (nano-dollars) and tokens,
 *       the number of open reservations, the last reservation id;</li>
 *   <li>{@code …:r}, a hash of the reservations: id to amount and lease end, or marked lapsed;</li>
 *   <li>{@code …:l}, a sorted set of the ids in lease, scored by lease end, so that every script first
 *       releases the reservations whose lease has ended (a range read, nothing when none has).</li>
 * </ul>
 * Every script gives the keys it touches at least {@code idle + lease} more to live (and, with
 * {@link QuotaSeed#NONE}, until the month is over plus {@code idle}, since nothing else would know
 * its spend): an idle account's keys go by themselves, and never while one of its reservations may
 * still be in lease.
 *
 * <h2>A month Redis does not hold: seeded from the ledger</h2>
 * The month hash is the marker that Redis holds the month. When it is missing (first use, an idle
 * month that expired, or a server that lost its data in a restart without persistence), reserve's
 * script answers "seed first" and holds nothing; this class reads the month's settled usage from the
 * {@link QuotaSeed} (the usage ledger), sets it with a script that writes only if the month is still
 * missing (so two replicas seeding at once agree: the first wins, the second's is dropped), and
 * tries again. Nothing is admitted in a month Redis does not hold. Reservations of a lost month are
 * gone with it: ending one answers {@link NotOpen}, and what its request used is in the ledger.
 * Each seeding starts the month's reservation ids at a random multiple of 2^32 (below 2^53), so an id
 * of a lost month is not handed out again in the rebuilt one (and ending also checks the amount).
 *
 * <p><b>The bound after a loss.</b> Requests in flight when Redis lost its data are not held in the
 * rebuilt month: until they end, the month may admit their worst cases again. Each such request is
 * counted once it is in the ledger (the next rebuild of the month), so a loss can take the month over
 * its quota by at most the worst cases in flight at the moment of the loss, never more.
 *
 * <h2>Unavailable</h2>
 * A command that times out (the {@link RedisSettings#commandTimeout()}), a connection that is lost
 * or refused, or a seed that cannot be read, answers {@link StoreUnavailable}; nothing here throws for
 * Redis. A reserve whose answer was lost may have held its amount: it expires with its lease.
 *
 * <h2>Numbers</h2>
 * Lua computes in doubles, exact below 2^53: an amount or a settled month of 2^53 nano-dollars (about
 * nine million dollars) or tokens is refused up front ({@link IllegalArgumentException}), and a limit at
 * or above it is unbounded. Time is the {@link RedisClock}'s, in epoch microseconds.
 */
public final class RedisQuotaStore implements QuotaStore {

    /** Amounts must stay below this for Lua's doubles to count them exactly. */
    static final long LARGEST = (1L << 53) - 1;

    private static final LuaScript RESERVE = LuaScript.of("reserve", "prelude", "quota-prelude", "quota-reserve", "reserve");
    private static final LuaScript RESIZE = LuaScript.of("resize", "prelude", "quota-prelude", "resize");
    private static final LuaScript END = LuaScript.of("end", "prelude", "quota-prelude", "end");
    private static final LuaScript USAGE = LuaScript.of("usage", "prelude", "quota-prelude", "usage");
    private static final LuaScript SEED = LuaScript.of("seed", "prelude", "quota-prelude", "seed");

    private static final int HELD = 0;
    private static final int REFUSED = 1;
    private static final int NEEDS_SEED = 2;
    private static final int NOT_OPEN = 3;
    private static final int WITHIN_LEASE = 4;
    private static final int AFTER_LEASE = 5;

    private final RedisLink redis;
    private final RedisClock clock;
    private final QuotaSeed seed;
    private final long idleMillis;

    /**
     * @param redis the connection (may be shared with a {@link RedisAccountRateLimiter})
     * @param clock whose clock leases are read on ({@link RedisClock#server()} in production)
     * @param seed  a month's settled usage when Redis does not hold it: the usage ledger
     * @param idle  how long an unused account's month is kept after its last lease could end
     */
    public RedisQuotaStore(RedisLink redis, RedisClock clock, QuotaSeed seed, Duration idle) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seed = Objects.requireNonNull(seed, "seed");
        this.idleMillis = idle.toMillis();
        if (idleMillis <= 0) {
            throw new IllegalArgumentException("idle must be positive: " + idle);
        }
    }

    @Override
    public ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
        Objects.requireNonNull(account, "account");
        String[] keys = keys(account, period);
        String[] args = reserveArgs(period, amount, limit, lease);
        // Twice at most: once to find the month missing, once after seeding it (a month seeded and
        // lost again in between is unavailable rather than a loop).
        for (int attempt = 0; attempt < 2; attempt++) {
            RedisLink.Reply reply = redis.run(RESERVE, keys, args);
            if (!(reply instanceof RedisLink.Reply.Ok ok)) {
                return unavailable(reply);
            }
            if (ok.at(0) != NEEDS_SEED) {
                return reserved(ok, 0, account, period, amount, limit);
            }
            StoreUnavailable notSeeded = seed(account, period, lease);
            if (notSeeded != null) {
                return notSeeded;
            }
        }
        return lostWhileSeeding(period);
    }

    /**
     * The reserve script's arguments (reserve.lua) on this store's clock, once the amount and the lease
     * are checked; its keys are {@link #keys}.
     */
    String[] reserveArgs(YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease) {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(limit, "limit");
        exact(amount);
        long leaseMicros = lease.toNanos() / 1_000;
        if (leaseMicros <= 0) {
            throw new IllegalArgumentException("lease must be positive: " + lease);
        }
        return new String[] {clock.scriptNow(),
                Long.toString(amount.costNanos()), Long.toString(amount.tokens()),
                limitOf(limit.costNanos()), limitOf(limit.tokens()), Long.toString(leaseMicros),
                Long.toString(ttlMillis(period, lease.toMillis()))};
    }

    /** The reservation, or its refusal, in a reserve answer ({@code quota-reserve.lua}) from value {@code from} on. */
    static ReserveResult reserved(RedisLink.Reply.Ok ok, int from, String account, YearMonth period,
            QuotaAmount amount, QuotaLimit limit) {
        return switch ((int) ok.at(from)) {
            case HELD -> new Reservation(account, period, ok.at(from + 1), amount, ok.at(from + 2) * 1_000);
            case REFUSED -> refused(ok, from, amount, limit);
            default -> unexpected(ok);
        };
    }

    static StoreUnavailable lostWhileSeeding(YearMonth period) {
        return new StoreUnavailable("the month of " + period + " could not be held: lost again while seeding");
    }

    /**
     * Reads the month from the seed and sets it if Redis still does not hold it, its keys living past
     * {@code lease}; null when done.
     */
    StoreUnavailable seed(String account, YearMonth period, Duration lease) {
        QuotaAmount settled;
        try {
            settled = seed.settled(account, period);
        } catch (RuntimeException e) {
            return new StoreUnavailable("the usage ledger could not seed the month: " + e.getClass().getSimpleName());
        }
        exact(settled);
        long firstId = ThreadLocalRandom.current().nextLong(1L << 20) << 32;
        RedisLink.Reply reply = redis.run(SEED, keys(account, period), clock.scriptNow(),
                Long.toString(settled.costNanos()), Long.toString(settled.tokens()),
                Long.toString(ttlMillis(period, lease.toMillis())), Long.toString(firstId));
        return reply instanceof RedisLink.Reply.Down down ? new StoreUnavailable(down.reason()) : null;
    }

    @Override
    public ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit) {
        Objects.requireNonNull(held, "held");
        Objects.requireNonNull(limit, "limit");
        exact(newAmount);
        long remainingMillis = Math.max(0, held.expiresAtEpochNanos() / 1_000_000 - clock.approximately().toEpochMilli());
        RedisLink.Reply reply = redis.run(RESIZE, keys(held.account(), held.period()), clock.scriptNow(),
                Long.toString(held.id()), Long.toString(held.amount().costNanos()), Long.toString(held.amount().tokens()),
                Long.toString(newAmount.costNanos()), Long.toString(newAmount.tokens()),
                limitOf(limit.costNanos()), limitOf(limit.tokens()),
                Long.toString(ttlMillis(held.period(), remainingMillis)));
        if (!(reply instanceof RedisLink.Reply.Ok ok)) {
            return unavailable(reply);
        }
        return switch ((int) ok.at(0)) {
            case HELD -> new Reservation(held.account(), held.period(), ok.at(1), newAmount, ok.at(2) * 1_000);
            case REFUSED -> refused(ok, 0, newAmount, limit);
            case NOT_OPEN -> new NotOpen(held.id());
            default -> unexpected(ok);
        };
    }

    @Override
    public EndResult settle(Reservation reservation, QuotaAmount actual) {
        exact(actual);
        return end(reservation, actual);
    }

    @Override
    public EndResult release(Reservation reservation) {
        return end(reservation, QuotaAmount.ZERO);
    }

    private EndResult end(Reservation reservation, QuotaAmount counted) {
        Objects.requireNonNull(reservation, "reservation");
        RedisLink.Reply reply = redis.run(END, keys(reservation.account(), reservation.period()), clock.scriptNow(),
                Long.toString(reservation.id()),
                Long.toString(reservation.amount().costNanos()), Long.toString(reservation.amount().tokens()),
                Long.toString(counted.costNanos()), Long.toString(counted.tokens()),
                Long.toString(ttlMillis(reservation.period(), 0)));
        if (!(reply instanceof RedisLink.Reply.Ok ok)) {
            return unavailable(reply);
        }
        return switch ((int) ok.at(0)) {
            case WITHIN_LEASE -> Ended.WITHIN_LEASE;
            case AFTER_LEASE -> Ended.AFTER_LEASE;
            case NOT_OPEN -> new NotOpen(reservation.id());
            default -> unexpected(ok);
        };
    }

    /**
     * The month as Redis holds it; {@link QuotaUsage#NONE} when it holds nothing (nothing is seeded by
     * a read). The port gives a read no way to say the store is away, so an unreachable Redis is an
     * {@link IllegalStateException} here: this is for operators and tests, never the admission path.
     */
    @Override
    public QuotaUsage usage(String account, YearMonth period) {
        RedisLink.Reply reply = redis.run(USAGE, keys(account, period), clock.scriptNow());
        if (reply instanceof RedisLink.Reply.Down down) {
            throw new IllegalStateException("quota store unavailable: " + down.reason());
        }
        RedisLink.Reply.Ok ok = (RedisLink.Reply.Ok) reply;
        if (ok.values().isEmpty()) {
            return QuotaUsage.NONE;
        }
        return new QuotaUsage(new QuotaAmount(ok.at(0), ok.at(1)), new QuotaAmount(ok.at(2), ok.at(3)), ok.at(4));
    }

    /** The month's keys, the account in a hash tag so that they share one slot. */
    static String[] keys(String account, YearMonth period) {
        String month = "llmr:q:{" + account + "}:" + period;
        return new String[] {month, month + ":r", month + ":l"};
    }

    /** How long the keys must live from now: past the lease and idle, and with no seed past the month's end. */
    private long ttlMillis(YearMonth period, long leaseMillis) {
        long ttl = Math.addExact(idleMillis, leaseMillis);
        if (seed == QuotaSeed.NONE) {
            long untilEnd = QuotaPeriods.resetsAt(period).toEpochMilli() - clock.approximately().toEpochMilli();
            ttl = Math.max(ttl, untilEnd + idleMillis);
        }
        return ttl;
    }

    private static String limitOf(long limit) {
        return limit >= LARGEST ? "-1" : Long.toString(limit);
    }

    private static void exact(QuotaAmount amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.costNanos() >= LARGEST || amount.tokens() >= LARGEST) {
            throw new IllegalArgumentException("amount too large to count exactly: " + amount);
        }
    }

    private static QuotaRefused refused(RedisLink.Reply.Ok ok, int from, QuotaAmount amount, QuotaLimit limit) {
        QuotaDimension dimension = ok.at(from + 1) == 0 ? QuotaDimension.COST : QuotaDimension.TOKENS;
        return new QuotaRefused(dimension, amount.of(dimension), ok.at(from + 2), limit.of(dimension));
    }

    private static StoreUnavailable unavailable(RedisLink.Reply reply) {
        return new StoreUnavailable(((RedisLink.Reply.Down) reply).reason());
    }

    private static StoreUnavailable unexpected(RedisLink.Reply.Ok ok) {
        return new StoreUnavailable("unexpected script answer " + List.copyOf(ok.values()));
    }
}

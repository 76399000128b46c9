package dev.llmrouter.adapters.redis;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.QuotaSeed;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.quota.ReserveResult;
import dev.llmrouter.ports.quota.StoreUnavailable;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Arrays;
import java.util.Objects;

/**
 * An account's rate limit and its quota on one Redis, admitting a request under both in one round
 * trip: one Lua script runs the {@link RedisAccountRateLimiter}'s rate check and, only when it
 * admitted the request, the {@link RedisQuotaStore}'s reservation with its lease, atomically. Both
 * parts are the same script code those stores run alone ({@code rate-prelude.lua},
 * {@code quota-reserve.lua}) on the same keys, so the answers are theirs: never more than the limit in
 * any rolling minute, {@code Retry-After} exact to the second, {@code settled + reserved <= limit}.
 * The script's five keys (the month's three, the minute's two) all carry the account in one hash tag,
 * so it runs unchanged on Redis Cluster.
 *
 * <p>Settling, releasing and resizing go to {@link #quotaStore()}, one script each; the precheck to
 * {@link #rateLimiter()}, which answers it without Redis while the account's latest admission here
 * left room for one more request (see {@link RedisAccountRateLimiter}): a request under its limits
 * costs two round trips, this one and its settle.
 *
 * <h2>When it takes more than one round trip</h2>
 * <ul>
 *   <li>Limits of zero in both dimensions: the rate limit needs no Redis, the reservation is asked alone.</li>
 *   <li>A month Redis does not hold: the script counts nothing and says so, the month is seeded from
 *       the ledger (as {@link RedisQuotaStore#reserve} does), and the script runs again. When the seed
 *       cannot be had, the rate limit is asked alone and an admitted request's quota is
 *       {@link StoreUnavailable}, as the two stores asked in turn would answer.</li>
 * </ul>
 * A Redis that does not answer is a rate limit that could not answer ({@link RateAnswer.Unavailable}):
 * the quota is then not known to be held. If the script ran and only its answer was lost, the minute
 * counts the request and its reservation lapses with its lease, as with the two stores alone.
 */
public final class RedisRateAndQuotaStore implements RateAndQuotaStore {

    private static final LuaScript ADMIT = LuaScript.of("admit",
            "prelude", "quota-prelude", "quota-reserve", "rate-prelude", "admit");
    private static final int NEEDS_SEED = -1;
    /** Where the reservation's answer starts in an admitted answer: after rate_check's five values. */
    private static final int RESERVED_FROM = 5;

    private final RedisLink redis;
    private final RedisAccountRateLimiter rates;
    private final RedisQuotaStore quotas;

    /**
     * @param redis       the connection
     * @param clock       whose clock stamps admissions and leases ({@link RedisClock#server()} in production)
     * @param seed        a month's settled usage when Redis does not hold it: the usage ledger
     * @param idle        how long an unused account's month is kept after its last lease could end
     * @param granularity admissions within one slot of this length share a rate log entry
     */
    public RedisRateAndQuotaStore(RedisLink redis, RedisClock clock, QuotaSeed seed, Duration idle, Duration granularity) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.rates = new RedisAccountRateLimiter(redis, clock, granularity);
        this.quotas = new RedisQuotaStore(redis, clock, seed, idle);
    }

    @Override
    public RedisAccountRateLimiter rateLimiter() {
        return rates;
    }

    @Override
    public RedisQuotaStore quotaStore() {
        return quotas;
    }

    @Override
    public Answer admit(String account, RateLimits limits, long tokens,
            YearMonth period, QuotaAmount worstCase, QuotaLimit quota, Duration lease) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(limits, "limits");
        String[] reserveArgs = quotas.reserveArgs(period, worstCase, quota, lease);
        if (RedisAccountRateLimiter.unlimited(limits, tokens)) {
            return new Answer.Both(RedisAccountRateLimiter.NOT_LIMITED, quotas.reserve(account, period, worstCase, quota, lease));
        }
        String[] keys = concat(RedisQuotaStore.keys(account, period), RedisAccountRateLimiter.keys(account));
        String[] args = concat(reserveArgs, new String[] {
                Long.toString(limits.requestsPerMinute()), Long.toString(limits.tokensPerMinute()),
                RedisAccountRateLimiter.sentTokens(limits, tokens), rates.granularityMicros()});
        // Twice at most, as RedisQuotaStore.reserve: once to find the month missing, once after seeding it.
        StoreUnavailable notHeld = null;
        for (int attempt = 0; attempt < 2 && notHeld == null; attempt++) {
            RedisLink.Reply reply = redis.run(ADMIT, keys, args);
            rates.remember(account, limits, reply);
            if (reply instanceof RedisLink.Reply.Down down) {
                return new Answer.RateOnly(new RateAnswer.Unavailable(down.reason()));
            }
            RedisLink.Reply.Ok ok = (RedisLink.Reply.Ok) reply;
            if (ok.at(0) != NEEDS_SEED) {
                RateAnswer rate = RedisAccountRateLimiter.answer(ok, limits, tokens);
                if (rate instanceof RateAnswer.Decided decided && decided.decision() instanceof RateDecision.Allowed allowed) {
                    return new Answer.Both(allowed, RedisQuotaStore.reserved(ok, RESERVED_FROM, account, period, worstCase, quota));
                }
                return new Answer.RateOnly(rate);
            }
            notHeld = quotas.seed(account, period, lease);
        }
        return rateThenUnavailableQuota(account, limits, tokens,
                notHeld != null ? notHeld : RedisQuotaStore.lostWhileSeeding(period));
    }

    /** The month could not be held: the rate limit asked alone, and an admitted request told its quota is away. */
    private Answer rateThenUnavailableQuota(String account, RateLimits limits, long tokens, ReserveResult quota) {
        RateAnswer rate = rates.tryAcquire(account, limits, tokens);
        if (rate instanceof RateAnswer.Decided decided && decided.decision() instanceof RateDecision.Allowed allowed) {
            return new Answer.Both(allowed, quota);
        }
        return new Answer.RateOnly(rate);
    }

    private static String[] concat(String[] first, String[] second) {
        String[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}

package dev.llmrouter.adapters.redis;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.RateDimension;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.ratelimit.WindowStatus;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link AccountRateLimiter} on Redis, shared by every gateway process that uses the same server
 * (Requirement 7.3): never more than the limit in any rolling minute across all of them, and
 * {@code Retry-After} exact to the second.
 *
 * <h2>Algorithm</h2>
 * The domain's {@link dev.llmrouter.domain.ratelimit.RollingWindowLimiter}, run inside Redis by one Lua
 * script per call (so one round trip, atomic across replicas): an account's admissions are a log
 * (a list {@code llmr:rl:{account}:log} of entries {@code stamp:requests:tokens}, stamps strictly
 * increasing) with running sums (a hash {@code llmr:rl:{account}:sum}). An entry counts while
 * {@code now - stamp < 60 s}; a request fits when one more request and its tokens stay within the
 * limits (both or neither); a refusal's wait is the time the first entry after whose leaving the
 * request fits leaves the window, exact because stamps strictly increase. A stamp is rounded up to
 * the granularity (admissions in one granule share an entry: at most {@code 60 s / granularity + 1}
 * entries) and never placed before the log's last one, which only ever makes an admission count
 * longer. The account is in a hash tag, so both keys share a slot on Redis Cluster; both live one
 * window plus a granule and a second after the last admission, so an idle account leaves nothing.
 *
 * <h2>Clock</h2>
 * {@link RedisClock#server()} stamps every admission on Redis's clock: replicas whose clocks disagree
 * still share one minute. Times are epoch microseconds, waits are returned to the microsecond.
 *
 * <h2>The precheck without a round trip</h2>
 * The router asks {@link #surelyRoomForOneMore} before every request, so that a caller at its
 * request limit is refused before its prompt is estimated. Asking Redis would be a third round trip
 * per request (with the admission and the settle); instead each process remembers, per account, the
 * limits under which Redis's latest answer to it left room for one more request, and the next answer
 * (an admission, a check, a refusal, a failure) rewrites it. In one process that is exact: Redis's
 * minute changes only by this process's admissions, which answer with it, and by entries leaving,
 * which only makes room. With several processes on one Redis the others' admissions are not seen
 * until the next answer, so a caller that they brought to the limit may be estimated once here before
 * the admission script refuses it; the limit itself is decided only by that script, so it holds exactly,
 * and the refusal makes this process ask Redis again. A bounded number of accounts is remembered;
 * beyond it, the precheck asks Redis.
 *
 * <p>A Redis that cannot answer in the command timeout, or a lost connection, answers
 * {@link RateAnswer.Unavailable}, never an exception. Limits of zero in both dimensions answer at once
 * without Redis.
 */
public final class RedisAccountRateLimiter implements AccountRateLimiter {

    /** Admissions within the same 10 ms share a log entry, as in the in-memory limiter. */
    public static final Duration DEFAULT_GRANULARITY = Duration.ofMillis(10);

    private static final LuaScript RATE = LuaScript.of("rate", "prelude", "rate-prelude", "rate");
    /** What limits of zero in both dimensions answer, without Redis. */
    static final RateDecision.Allowed NOT_LIMITED = new RateDecision.Allowed(RateLimitStatus.UNLIMITED);
    private static final RateAnswer UNLIMITED = new RateAnswer.Decided(NOT_LIMITED);

    /** How many accounts' room is remembered at most (the others' precheck asks Redis). */
    static final int REMEMBERED_ACCOUNTS = 100_000;

    private static final int ALLOWED = 0;
    private static final int LIMITED = 1;
    private static final int TOO_LARGE = 2;

    private final RedisLink redis;
    private final RedisClock clock;
    private final String granularityMicros;
    /** Accounts whose latest answer here left room for one more request, with the limits it was asked under. */
    private final ConcurrentMap<String, RateLimits> roomFor = new ConcurrentHashMap<>();

    /**
     * @param redis       the connection (may be shared with a {@link RedisQuotaStore})
     * @param clock       whose clock stamps admissions ({@link RedisClock#server()} in production)
     * @param granularity admissions within one slot of this length share a log entry; from 1 µs to 1 s
     */
    public RedisAccountRateLimiter(RedisLink redis, RedisClock clock, Duration granularity) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.clock = Objects.requireNonNull(clock, "clock");
        long micros = granularity.toNanos() / 1_000;
        if (micros < 1 || micros > 1_000_000) {
            throw new IllegalArgumentException("granularity must be within 1 µs .. 1 s: " + granularity);
        }
        this.granularityMicros = Long.toString(micros);
    }

    /** Whether Redis's latest answer here, under these limits, left room for one more request: no round trip. */
    @Override
    public boolean surelyRoomForOneMore(String account, RateLimits limits) {
        return limits.equals(roomFor.get(account));
    }

    /**
     * Remembers what a {@code rate_check} answer (its first values) or a failure says about the room for
     * one more request of no tokens: after an admission or a check that passed, room when fewer requests
     * than the limit are counted (tokens: an admitted minute holds at most its limit, so a request of
     * none fits).
     */
    void remember(String account, RateLimits limits, RedisLink.Reply reply) {
        if (reply instanceof RedisLink.Reply.Ok ok && ok.at(0) == ALLOWED
                && (!limits.limitsRequests() || ok.at(1) < limits.requestsPerMinute())) {
            if (roomFor.size() < REMEMBERED_ACCOUNTS || roomFor.containsKey(account)) {
                roomFor.put(account, limits);
            }
        } else {
            roomFor.remove(account);
        }
    }

    @Override
    public RateAnswer tryAcquire(String account, RateLimits limits, long tokens) {
        return decide(account, limits, tokens, true);
    }

    @Override
    public RateAnswer check(String account, RateLimits limits, long tokens) {
        return decide(account, limits, tokens, false);
    }

    private RateAnswer decide(String account, RateLimits limits, long tokens, boolean admit) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(limits, "limits");
        if (unlimited(limits, tokens)) {
            return UNLIMITED;
        }
        RedisLink.Reply reply = redis.run(RATE, keys(account), clock.scriptNow(),
                Long.toString(limits.requestsPerMinute()), Long.toString(limits.tokensPerMinute()),
                sentTokens(limits, tokens), admit ? "1" : "0", granularityMicros);
        remember(account, limits, reply);
        if (reply instanceof RedisLink.Reply.Down down) {
            return new RateAnswer.Unavailable(down.reason());
        }
        return answer((RedisLink.Reply.Ok) reply, limits, tokens);
    }

    /** Whether {@code limits} limit nothing (Redis need not be asked); checks {@code tokens}. */
    static boolean unlimited(RateLimits limits, long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens cannot be negative: " + tokens);
        }
        return !limits.limitsRequests() && !limits.limitsTokens();
    }

    /** The tokens as the script reads them. */
    static String sentTokens(RateLimits limits, long tokens) {
        // A request above the token limit is too large whatever the window holds; Lua need not count it exactly.
        long sent = Math.min(tokens, RedisQuotaStore.LARGEST);
        if (sent == RedisQuotaStore.LARGEST && !(limits.limitsTokens() && tokens > limits.tokensPerMinute())) {
            throw new IllegalArgumentException("tokens too large to count exactly: " + tokens);
        }
        return Long.toString(sent);
    }

    /** The decision in the first values of a {@code rate_check} answer (rate-prelude.lua). */
    static RateAnswer answer(RedisLink.Reply.Ok ok, RateLimits limits, long tokens) {
        RateLimitStatus status = new RateLimitStatus(
                window(limits.requestsPerMinute(), ok.at(1), ok.at(3)),
                window(limits.tokensPerMinute(), ok.at(2), ok.at(4)));
        switch ((int) ok.at(0)) {
            case ALLOWED:
                return new RateAnswer.Decided(new RateDecision.Allowed(status));
            case LIMITED:
                long requestsWait = ok.at(5);
                long tokensWait = ok.at(6);
                return new RateAnswer.Decided(new RateDecision.Limited(
                        tokensWait > requestsWait ? RateDimension.TOKENS : RateDimension.REQUESTS,
                        Duration.ofNanos(Math.max(requestsWait, tokensWait) * 1_000), status));
            case TOO_LARGE:
                return new RateAnswer.Decided(new RateDecision.TooLarge(RateDimension.TOKENS, limits.tokensPerMinute(), tokens, status));
            default:
                return new RateAnswer.Unavailable("unexpected script answer " + List.copyOf(ok.values()));
        }
    }

    /** Admissions within one slot of this many microseconds share a log entry. */
    String granularityMicros() {
        return granularityMicros;
    }

    private static WindowStatus window(long limit, long used, long resetMicros) {
        return limit == 0 ? WindowStatus.UNLIMITED
                : new WindowStatus(limit, Math.max(0, limit - used), Duration.ofNanos(resetMicros * 1_000));
    }

    static String[] keys(String account) {
        String prefix = "llmr:rl:{" + account + "}:";
        return new String[] {prefix + "log", prefix + "sum"};
    }
}

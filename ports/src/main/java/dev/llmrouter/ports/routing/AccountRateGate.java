package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import dev.llmrouter.ports.router.Caller;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The router's {@link RateGate} on an {@link AccountRateLimiter} (Requirement 5.5): one request and
 * its tokens under the caller's plan limits; a request larger than a whole minute's allowance is
 * refused for good ({@link Verdict.TooLarge}).
 *
 * <p>A limiter that cannot answer (Requirement 7.5), or throws instead, is handled by the gate's
 * {@link UnavailableStorePolicy}: fail closed ({@link Verdict.Unavailable}) or fail open (admitted,
 * with no position to report). A precheck that cannot answer lets the request go on to
 * {@link #admit}, which decides.
 */
public final class AccountRateGate implements RateGate {

    private static final System.Logger LOG = System.getLogger(AccountRateGate.class.getName());

    private final AccountRateLimiter limiter;
    private final UnavailableStorePolicy whenUnavailable;

    /** Fails closed. */
    public AccountRateGate(AccountRateLimiter limiter) {
        this(limiter, UnavailableStorePolicy.FAIL_CLOSED);
    }

    public AccountRateGate(AccountRateLimiter limiter, UnavailableStorePolicy whenUnavailable) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.whenUnavailable = Objects.requireNonNull(whenUnavailable, "whenUnavailable");
    }

    @Override
    public Verdict admit(Caller caller, long tokens, long nowNanos) {
        RateAnswer answer;
        try {
            answer = limiter.tryAcquire(caller.accountId(), caller.plan().rateLimits(), tokens);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "rate limiter threw instead of answering", e);
            answer = new RateAnswer.Unavailable(e.getClass().getSimpleName());
        }
        return verdict(caller, answer);
    }

    /** A limiter's answer to {@link #admit} as a verdict, under this gate's policy for a limiter that is away. */
    Verdict verdict(Caller caller, RateAnswer answer) {
        if (answer instanceof RateAnswer.Decided decided) {
            return verdict(caller, decided.decision());
        }
        LOG.log(System.Logger.Level.WARNING, "rate limiter unavailable: {0}", ((RateAnswer.Unavailable) answer).reason());
        return whenUnavailable.failOpen() ? MAY_ADMIT
                : new Verdict.Unavailable("the rate-limit service is unavailable; nothing was sent to a deployment, retry later",
                        whenUnavailable.retryAfter());
    }

    /**
     * A request of no tokens checked against the caller's minute, consuming nothing: first the
     * limiter's cheap answer ({@link AccountRateLimiter#surelyRoomForOneMore}), which nearly every
     * request gets, then its full check. A pass carries no position (nothing was admitted yet): the
     * position comes from {@link #admit}.
     */
    @Override
    public Verdict precheck(Caller caller, long nowNanos) {
        RateAnswer answer;
        try {
            if (limiter.surelyRoomForOneMore(caller.accountId(), caller.plan().rateLimits())) {
                return MAY_ADMIT;
            }
            answer = limiter.check(caller.accountId(), caller.plan().rateLimits(), 0);
        } catch (RuntimeException e) {
            return MAY_ADMIT; // admit() decides, and applies the policy
        }
        return answer instanceof RateAnswer.Decided decided && decided.decision() instanceof RateDecision.Limited
                ? verdict(caller, decided.decision()) : MAY_ADMIT;
    }

    private static final Verdict MAY_ADMIT = new Verdict.Allowed(RateLimitStatus.UNLIMITED);

    private static Verdict verdict(Caller caller, RateDecision decision) {
        if (decision instanceof RateDecision.Allowed allowed) {
            return new Verdict.Allowed(allowed.status());
        }
        RateLimitStatus status = decision.status();
        if (decision instanceof RateDecision.Limited limited) {
            return new Verdict.Limited("rate limit of plan '" + caller.plan().id() + "' reached ("
                    + limited.limitedBy().name().toLowerCase(Locale.ROOT) + " per minute); retry after "
                    + limited.retryAfterSeconds() + " s", Optional.of(limited.retryAfter()), status.refusedBy(limited.limitedBy()));
        }
        RateDecision.TooLarge tooLarge = (RateDecision.TooLarge) decision;
        return new Verdict.TooLarge("request too large for the rate limit of plan '" + caller.plan().id() + "': "
                + tooLarge.requested() + " " + tooLarge.dimension().name().toLowerCase(Locale.ROOT)
                + " (estimated prompt plus output cap) exceed its limit of " + tooLarge.limit()
                + " per minute, so it can never be admitted; lower max_tokens or shorten the prompt", status.refusedBy(tooLarge.dimension()));
    }
}

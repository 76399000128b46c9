package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.domain.ratelimit.WindowStatus;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.RateLimitStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The router's {@link RateGate} on an {@link AccountRateLimiter} (Requirement 5.5): one request and
 * its tokens under the caller's plan limits; a request larger than a whole minute's allowance is
 * refused without a retry-after.
 */
public final class AccountRateGate implements RateGate {

    private final AccountRateLimiter limiter;

    public AccountRateGate(AccountRateLimiter limiter) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    @Override
    public Verdict admit(Caller caller, long tokens, long nowNanos) {
        RateDecision decision = limiter.tryAcquire(caller.accountId(), caller.plan().rateLimits(), tokens);
        if (decision instanceof RateDecision.Allowed allowed) {
            // The admission path: copy the numbers, without the domain status built in between.
            return new Verdict.Allowed(new RateLimitStatus(
                    allowed.requestsLimit(), allowed.requestsRemaining(), Duration.ofNanos(allowed.requestsResetNanos()),
                    allowed.tokensLimit(), allowed.tokensRemaining(), Duration.ofNanos(allowed.tokensResetNanos())));
        }
        RateLimitStatus status = status(decision.status());
        if (decision instanceof RateDecision.Limited limited) {
            return new Verdict.Limited("rate limit of plan '" + caller.plan().id() + "' reached ("
                    + limited.limitedBy().name().toLowerCase(java.util.Locale.ROOT) + " per minute); retry after "
                    + limited.retryAfterSeconds() + " s", Optional.of(limited.retryAfter()), status.refusedBy(limited.limitedBy()));
        }
        RateDecision.TooLarge tooLarge = (RateDecision.TooLarge) decision;
        return new Verdict.Limited("request too large: " + tooLarge.requested() + " "
                + tooLarge.dimension().name().toLowerCase(java.util.Locale.ROOT) + " exceed the limit of "
                + tooLarge.limit() + " per minute", Optional.empty(), status.refusedBy(tooLarge.dimension()));
    }

    /** The domain's two windows as the use case's {@code x-ratelimit-*} position. */
    static RateLimitStatus status(dev.llmrouter.domain.ratelimit.RateLimitStatus s) {
        WindowStatus r = s.requests();
        WindowStatus t = s.tokens();
        return new RateLimitStatus(r.limit(), r.remaining(), r.reset(), t.limit(), t.remaining(), t.reset());
    }
}

package dev.llmrouter.app.storage;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import java.util.Objects;

/**
 * A shared rate limiter whose answers are reported to the {@link StoreMonitor}, and which, when it
 * cannot answer and its policy fails open, lets the per-process limiter decide instead (Requirement
 * 7.5): a replica cut off from Redis then still holds each account to its limit on its own traffic,
 * rather than to none. Failing closed, the {@link RateAnswer.Unavailable} goes on to the router's
 * gate, which refuses with 503 and {@code Retry-After}.
 *
 * <p>The per-process limiter sees only the calls made while the shared one is away, so after a
 * failover each replica may admit up to the limit on its own: the bound while failing open is the
 * limit times the replicas, never unbounded.
 */
final class ObservedRateLimiter implements AccountRateLimiter {

    private final AccountRateLimiter shared;
    private final AccountRateLimiter local;
    private final StoreMonitor.Health health;

    /**
     * @param local the per-process limiter answering while {@code shared} cannot, or null to fail closed
     */
    ObservedRateLimiter(AccountRateLimiter shared, AccountRateLimiter local, StoreMonitor.Health health) {
        this.shared = Objects.requireNonNull(shared, "shared");
        this.local = local;
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public RateAnswer tryAcquire(String account, RateLimits limits, long tokens) {
        return admission(call(() -> shared.tryAcquire(account, limits, tokens)), account, limits, tokens);
    }

    /**
     * Reports the shared limiter's answer to an admission and, when it could not answer and the policy
     * fails open, asks the per-process limiter instead.
     */
    RateAnswer admission(RateAnswer answer, String account, RateLimits limits, long tokens) {
        if (answer instanceof RateAnswer.Unavailable u) {
            health.unavailable(u.reason(), local == null ? "fail_closed" : "fail_open_local");
            return local == null ? answer : local.tryAcquire(account, limits, tokens);
        }
        health.answered();
        return answer;
    }

    /** Reports that the shared limiter answered an admission (given by the store's combined admission). */
    void answered() {
        health.answered();
    }

    /**
     * The shared limiter's own answer, passed on: without it every precheck would be a full check (on
     * Redis, a round trip). A shared limiter that just failed says no, so the check then decides.
     */
    @Override
    public boolean surelyRoomForOneMore(String account, RateLimits limits) {
        try {
            return shared.surelyRoomForOneMore(account, limits);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public RateAnswer check(String account, RateLimits limits, long tokens) {
        RateAnswer answer = call(() -> shared.check(account, limits, tokens));
        if (answer instanceof RateAnswer.Unavailable u) {
            health.unavailable(u.reason()); // counted once, where the request is admitted or refused
            return local == null ? answer : local.check(account, limits, tokens);
        }
        health.answered();
        return answer;
    }

    private static RateAnswer call(java.util.function.Supplier<RateAnswer> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return new RateAnswer.Unavailable(e.getClass().getSimpleName());
        }
    }
}

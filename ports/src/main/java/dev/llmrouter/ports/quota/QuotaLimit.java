package dev.llmrouter.ports.quota;

import dev.llmrouter.domain.plan.Quota;

/**
 * The ceiling of one account's month, per dimension; {@link #UNBOUNDED} ({@code Long.MAX_VALUE})
 * where the plan sets none.
 */
public record QuotaLimit(long costNanos, long tokens) {

    public static final long UNBOUNDED = Long.MAX_VALUE;
    public static final QuotaLimit UNLIMITED = new QuotaLimit(UNBOUNDED, UNBOUNDED);

    public QuotaLimit {
        if (costNanos < 0 || tokens < 0) {
            throw new IllegalArgumentException("quota limits cannot be negative: cost=" + costNanos + " tokens=" + tokens);
        }
    }

    /** The limit a plan's {@link Quota} sets. Called on every admission, so it boxes and captures nothing. */
    public static QuotaLimit of(Quota quota) {
        long cost = quota.costPerMonth().isPresent() ? quota.costPerMonth().get().nanos() : UNBOUNDED;
        long tokens = quota.tokensPerMonth().isPresent() ? quota.tokensPerMonth().get() : UNBOUNDED;
        return cost == UNBOUNDED && tokens == UNBOUNDED ? UNLIMITED : new QuotaLimit(cost, tokens);
    }

    public long of(QuotaDimension dimension) {
        return dimension == QuotaDimension.COST ? costNanos : tokens;
    }

    public boolean isBounded(QuotaDimension dimension) {
        return of(dimension) != UNBOUNDED;
    }
}

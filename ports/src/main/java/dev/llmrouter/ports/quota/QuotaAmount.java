package dev.llmrouter.ports.quota;

import dev.llmrouter.domain.money.Money;

/**
 * An amount counted against a monthly quota: spend in nano-dollars and tokens, both as plain longs so
 * that any store (a map here, a Redis hash elsewhere) holds them as integers.
 */
public record QuotaAmount(long costNanos, long tokens) {

    public static final QuotaAmount ZERO = new QuotaAmount(0, 0);

    public QuotaAmount {
        if (costNanos < 0 || tokens < 0) {
            throw new IllegalArgumentException("quota amounts cannot be negative: cost=" + costNanos + " tokens=" + tokens);
        }
    }

    public static QuotaAmount of(Money cost, long tokens) {
        return new QuotaAmount(cost.nanos(), tokens);
    }

    public Money cost() {
        return Money.ofNanos(costNanos);
    }

    public long of(QuotaDimension dimension) {
        return dimension == QuotaDimension.COST ? costNanos : tokens;
    }

    public QuotaAmount plus(QuotaAmount other) {
        return new QuotaAmount(Math.addExact(costNanos, other.costNanos), Math.addExact(tokens, other.tokens));
    }
}

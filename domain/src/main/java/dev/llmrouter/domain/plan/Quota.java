package dev.llmrouter.domain.plan;

import dev.llmrouter.domain.money.Money;
import java.util.Optional;

/**
 * An account's allowance per calendar month (UTC): spend and/or tokens. An absent limit is unlimited.
 */
public record Quota(Optional<Money> costPerMonth, Optional<Long> tokensPerMonth) {

    public static final Quota UNLIMITED = new Quota(Optional.empty(), Optional.empty());

    public Quota {
        tokensPerMonth.ifPresent(t -> {
            if (t < 0) {
                throw new IllegalArgumentException("tokens per month cannot be negative: " + t);
            }
        });
    }

    public static Quota ofCost(Money perMonth) {
        return new Quota(Optional.of(perMonth), Optional.empty());
    }

    public static Quota ofTokens(long perMonth) {
        return new Quota(Optional.empty(), Optional.of(perMonth));
    }

    public static Quota of(Money costPerMonth, long tokensPerMonth) {
        return new Quota(Optional.of(costPerMonth), Optional.of(tokensPerMonth));
    }

    public boolean isUnlimited() {
        return costPerMonth.isEmpty() && tokensPerMonth.isEmpty();
    }
}

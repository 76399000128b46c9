package dev.llmrouter.domain.usage;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import java.util.Objects;

/**
 * Requests, tokens of every kind and exact cost summed over some usage records. Sums overflow-check
 * (they throw {@link ArithmeticException} rather than wrap), so a total is either exact or absent.
 *
 * @param requests number of records
 * @param tokens   their tokens, each kind summed apart (Requirement 8.4)
 * @param cost     exact cost (nano-dollars)
 */
public record UsageTotals(long requests, TokenUsage tokens, Money cost) {

    public static final UsageTotals ZERO = new UsageTotals(0, TokenUsage.NONE, Money.ZERO);

    public UsageTotals {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(cost, "cost");
        if (requests < 0) {
            throw new IllegalArgumentException("usage totals cannot be negative: requests=" + requests);
        }
    }

    /** Totals of input and output tokens only. */
    public UsageTotals(long requests, long inputTokens, long outputTokens, Money cost) {
        this(requests, new TokenUsage(inputTokens, outputTokens), cost);
    }

    /** The totals of one record. */
    public static UsageTotals of(UsageRecord record) {
        return new UsageTotals(1, record.tokens(), record.cost());
    }

    public UsageTotals plus(UsageTotals other) {
        return new UsageTotals(Math.addExact(requests, other.requests), tokens.plus(other.tokens), cost.plus(other.cost));
    }

    public long inputTokens() {
        return tokens.inputTokens();
    }

    public long outputTokens() {
        return tokens.outputTokens();
    }

    public long totalTokens() {
        return tokens.totalTokens();
    }
}

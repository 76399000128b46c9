package dev.llmrouter.domain.usage;

import dev.llmrouter.domain.money.Money;
import java.util.Objects;

/**
 * Requests, tokens and exact cost summed over some usage records. Sums overflow-check (they throw
 * {@link ArithmeticException} rather than wrap), so a total is either exact or absent.
 *
 * @param requests     number of records
 * @param inputTokens  prompt tokens
 * @param outputTokens completion tokens
 * @param cost         exact cost (nano-dollars)
 */
public record UsageTotals(long requests, long inputTokens, long outputTokens, Money cost) {

    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, Money.ZERO);

    public UsageTotals {
        Objects.requireNonNull(cost, "cost");
        if (requests < 0 || inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException("usage totals cannot be negative: requests=" + requests
                    + " in=" + inputTokens + " out=" + outputTokens);
        }
    }

    /** The totals of one record. */
    public static UsageTotals of(UsageRecord record) {
        return new UsageTotals(1, record.tokens().inputTokens(), record.tokens().outputTokens(), record.cost());
    }

    public UsageTotals plus(UsageTotals other) {
        return new UsageTotals(
                Math.addExact(requests, other.requests),
                Math.addExact(inputTokens, other.inputTokens),
                Math.addExact(outputTokens, other.outputTokens),
                cost.plus(other.cost));
    }

    public long totalTokens() {
        return Math.addExact(inputTokens, outputTokens);
    }
}

package dev.llmrouter.ports.quota;

import java.util.Objects;

/**
 * A reservation that would take the month over its quota; nothing was held. Amounts are in the
 * dimension's unit (nano-dollars or tokens).
 *
 * @param dimension the dimension that has no room (cost is checked first)
 * @param requested what the request asked for in that dimension
 * @param used      settled plus reserved in that dimension at the moment of refusal
 * @param limit     the month's ceiling in that dimension
 */
public record QuotaRefused(QuotaDimension dimension, long requested, long used, long limit) implements ReserveResult {

    public QuotaRefused {
        Objects.requireNonNull(dimension, "dimension");
    }

    /** What is still free in that dimension (less than {@link #requested()}). */
    public long remaining() {
        return Math.max(0, limit - used);
    }
}

package dev.llmrouter.domain.usage;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Groups usage records along one dimension and sums requests, tokens and exact cost (Requirement 5.3).
 *
 * <p>Algorithm: one pass over the records into a hash map of mutable accumulators (one per key), each
 * adding with overflow checks; then one immutable {@link UsageGroup} per key, sorted by
 * {@link UsageGroup#BY_COST_DESC_THEN_KEY}. O(n + k log k) for n records and k keys. The total is
 * summed in the same pass but independently of the groups, so that tests can check that the groups
 * add up to it. Money stays in nano-dollars throughout: no rounding anywhere.
 *
 * <p>It is a pure function of the records it is given: filtering by account and time range is the
 * caller's job (the ledger answers a range query).
 */
public final class UsageAggregation {

    private UsageAggregation() {}

    /**
     * Groups {@code records} by {@code dimension}.
     *
     * @throws ArithmeticException if a sum leaves the range of {@code long} (about 9.2 billion dollars)
     */
    public static UsageSummary aggregate(Iterable<UsageRecord> records, UsageDimension dimension) {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(dimension, "dimension");
        Map<String, Accumulator> byKey = new HashMap<>();
        Accumulator total = new Accumulator();
        for (UsageRecord record : records) {
            byKey.computeIfAbsent(dimension.keyOf(record), k -> new Accumulator()).add(record);
            total.add(record);
        }
        List<UsageGroup> groups = new ArrayList<>(byKey.size());
        byKey.forEach((key, acc) -> groups.add(new UsageGroup(key, acc.totals())));
        groups.sort(UsageGroup.BY_COST_DESC_THEN_KEY);
        return new UsageSummary(dimension, groups, total.totals());
    }

    /** Sums without allocating per record. */
    private static final class Accumulator {
        private long requests;
        private long inputTokens;
        private long outputTokens;
        private long cachedInputTokens;
        private long cacheWriteTokens;
        private long reasoningTokens;
        private long costNanos;

        void add(UsageRecord record) {
            requests = Math.addExact(requests, 1);
            inputTokens = Math.addExact(inputTokens, record.tokens().inputTokens());
            outputTokens = Math.addExact(outputTokens, record.tokens().outputTokens());
            cachedInputTokens = Math.addExact(cachedInputTokens, record.tokens().cachedInputTokens());
            cacheWriteTokens = Math.addExact(cacheWriteTokens, record.tokens().cacheWriteTokens());
            reasoningTokens = Math.addExact(reasoningTokens, record.tokens().reasoningTokens());
            costNanos = Math.addExact(costNanos, record.cost().nanos());
        }

        UsageTotals totals() {
            return new UsageTotals(requests, new TokenUsage(inputTokens, outputTokens, cachedInputTokens,
                    cacheWriteTokens, reasoningTokens), Money.ofNanos(costNanos));
        }
    }
}

package dev.llmrouter.domain.usage;

import java.util.Comparator;
import java.util.Objects;

/**
 * One group of a usage summary: the key in the grouping dimension and its totals.
 *
 * @param key    the dimension's value; empty for records without one
 * @param totals the group's sums
 */
public record UsageGroup(String key, UsageTotals totals) {

    /**
     * Report order: highest cost first (where the money goes is what a reader looks for), then by key
     * so that the order is total and stable across runs and storage engines.
     */
    public static final Comparator<UsageGroup> BY_COST_DESC_THEN_KEY = Comparator
            .comparing((UsageGroup g) -> g.totals().cost(), Comparator.reverseOrder())
            .thenComparing(UsageGroup::key);

    public UsageGroup {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(totals, "totals");
    }
}

package dev.llmrouter.domain.usage;

import java.util.List;
import java.util.Objects;

/**
 * Usage grouped along one dimension.
 *
 * @param dimension what the records were grouped by
 * @param groups    one per distinct key, in {@link UsageGroup#BY_COST_DESC_THEN_KEY} order
 * @param total     the sums over every record; always equal to the sum of the groups
 */
public record UsageSummary(UsageDimension dimension, List<UsageGroup> groups, UsageTotals total) {

    public UsageSummary {
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(total, "total");
        groups = List.copyOf(groups);
    }
}

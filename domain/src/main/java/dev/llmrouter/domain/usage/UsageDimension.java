package dev.llmrouter.domain.usage;

import java.util.function.Function;

/**
 * A dimension usage can be grouped by (Requirement 5.3), with the key each record has in it. A record
 * without a value in the dimension (no creator, no operation) has the empty key: it is reported as its
 * own group, never dropped, so that the groups always add up to the total.
 */
public enum UsageDimension {
    CREATOR(UsageRecord::creator),
    MODEL(UsageRecord::model),
    OPERATION(UsageRecord::operation),
    /** The tier that served, by its id ({@code premium}, {@code standard}, {@code economy}). */
    TIER(r -> r.tier().id()),
    DEPLOYMENT(UsageRecord::deployment),
    REGION(UsageRecord::region);

    private final Function<UsageRecord, String> key;

    UsageDimension(Function<UsageRecord, String> key) {
        this.key = key;
    }

    /** The record's key in this dimension; empty when the record has none. */
    public String keyOf(UsageRecord record) {
        return key.apply(record);
    }
}

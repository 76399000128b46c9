package dev.llmrouter.ports.quota;

import java.util.Objects;

/**
 * One account's month as a quota store sees it.
 *
 * @param settled     actual usage of finished requests
 * @param reserved    worst cases held by requests in flight
 * @param outstanding number of reservations in flight
 */
public record QuotaUsage(QuotaAmount settled, QuotaAmount reserved, long outstanding) {

    public static final QuotaUsage NONE = new QuotaUsage(QuotaAmount.ZERO, QuotaAmount.ZERO, 0);

    public QuotaUsage {
        Objects.requireNonNull(settled, "settled");
        Objects.requireNonNull(reserved, "reserved");
    }

    /** Settled plus reserved: what admission compares with the limit. */
    public QuotaAmount used() {
        return settled.plus(reserved);
    }
}

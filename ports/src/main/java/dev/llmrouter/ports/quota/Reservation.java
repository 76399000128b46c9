package dev.llmrouter.ports.quota;

import java.time.YearMonth;
import java.util.Objects;

/**
 * Room held in an account's month for one request until it is settled or released, or its lease
 * ends. The holder ends it once ({@link QuotaStore#settle}, {@link QuotaStore#release} or replaces it
 * with {@link QuotaStore#resize}); ending it twice is harmless (the second call answers
 * {@link NotOpen} and changes nothing).
 *
 * @param account             the account it is counted against
 * @param period              the month (UTC) it was admitted in: its settlement counts in this month
 *                            even if the request ends after the month turned
 * @param id                  unique within the store
 * @param amount              what is held (the worst case of the request)
 * @param expiresAtEpochNanos the end of its lease on the store's clock, in nanoseconds since the
 *                            epoch: from then on the store no longer holds its amount
 */
public record Reservation(String account, YearMonth period, long id, QuotaAmount amount, long expiresAtEpochNanos)
        implements ReserveResult {

    public Reservation {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(amount, "amount");
    }
}

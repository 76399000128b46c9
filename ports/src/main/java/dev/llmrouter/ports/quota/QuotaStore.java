package dev.llmrouter.ports.quota;

import java.time.YearMonth;

/**
 * Outbound port: the per-account, per-month counters that enforce quotas (Requirement 5.4,
 * Property 17).
 *
 * <h2>Reserve, then settle</h2>
 * Checking a budget before a call and counting after it lets concurrent requests all pass the check
 * and then all count: the budget is overspent by up to the concurrency times the request size. Here a
 * request instead <em>reserves</em> its worst case (estimated prompt tokens plus the output cap,
 * priced with the model's prices) atomically against {@code settled + reserved <= limit}; when it
 * ends it <em>settles</em> (the reservation is replaced by the actual usage) or <em>releases</em>
 * (the reservation is returned, e.g. the request never reached a deployment). So at every moment
 * {@code settled + reserved <= limit}, and admitted spend never exceeds the quota.
 *
 * <p>The one documented exception: settling records the actual usage even when it is above the
 * reservation (the usage happened and must be counted). That cannot happen when the output was capped
 * at the reserved cap and the prompt was reserved at an upper bound of its tokens
 * ({@code PromptEstimate.maxTokens()}); only a reservation from a low estimate can take the month
 * over, by at most that underestimate, after which every reservation is refused.
 *
 * <h2>Contract for implementations</h2>
 * Every method is atomic per account and month; different accounts never contend. Keys are
 * {@code (account, period)}, amounts are longs ({@link QuotaAmount}), so e.g. a Redis implementation
 * is one hash per key with fields {@code settledCost, settledTokens, reservedCost, reservedTokens}
 * plus one field per open reservation, each method one Lua script. Ending a reservation twice is a
 * no-op that answers {@code false}. Expected refusals are values ({@link QuotaRefused}), never
 * exceptions.
 */
public interface QuotaStore {

    /**
     * Holds {@code amount} in {@code account}'s {@code period} if, in every dimension,
     * {@code settled + reserved + amount <= limit}; otherwise holds nothing.
     */
    ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit);

    /**
     * Atomically replaces an open reservation by one of {@code newAmount} in the same account and
     * month (e.g. a fall-down to another model): admitted if
     * {@code settled + reserved - held.amount + newAmount <= limit}. On success {@code held} is ended
     * and the new reservation is returned; on refusal {@code held} stays open, unchanged. At no moment
     * are both held, so a resize is never refused for room the old reservation itself occupies.
     *
     * @throws IllegalStateException if {@code held} is not open (already ended)
     */
    ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit);

    /**
     * Ends {@code reservation}, counting {@code actual} as settled in its month in place of the
     * reserved amount (see the class comment when actual exceeds it).
     *
     * @return {@code false} if it had already been ended (nothing changed)
     */
    boolean settle(Reservation reservation, QuotaAmount actual);

    /**
     * Ends {@code reservation} counting nothing.
     *
     * @return {@code false} if it had already been ended (nothing changed)
     */
    boolean release(Reservation reservation);

    /** The account's month as it stands: settled, reserved, open reservations. */
    QuotaUsage usage(String account, YearMonth period);
}

package dev.llmrouter.ports.quota;

import java.time.Duration;
import java.time.YearMonth;

/**
 * Outbound port: the per-account, per-month counters that enforce quotas (Requirement 5.4,
 * Property 17), shaped so that one store can be shared by many gateway processes (Requirement 7.2).
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
 * at the reserved cap and the prompt was reserved at an upper bound of its tokens; only a reservation
 * from a low estimate can take the month over, by at most that underestimate, after which every
 * reservation is refused.
 *
 * <h2>Leases: a reservation whose process died</h2>
 * Every reservation has a lease ({@link Reservation#expiresAtEpochNanos()}), given at
 * {@link #reserve}. Until the lease ends its whole worst case stays counted as reserved, whether or
 * not its holder is still alive; when the lease ends the store releases it, counting nothing. So a
 * process that dies holding reservations cannot make the month pass its quota: its worst cases
 * keep their room until they expire, then the room returns, and what the dead process's requests
 * really used is what its ledger recorded before it died (a store rebuilt from the ledger, see
 * {@link QuotaSeed}, counts it). The holder chooses a lease longer than any request can hold its
 * reservation; a request that outlives its lease is ended late:
 * <ul>
 *   <li>{@link #settle} of an expired reservation still counts the actual usage (it happened) and
 *       answers {@link Ended#AFTER_LEASE}; {@link #release} of one counts nothing and answers the same;</li>
 *   <li>{@link #resize} of an expired reservation answers {@link NotOpen}: a lapsed lease is not
 *       renewed by moving it;</li>
 *   <li>a store may forget an expired reservation once its month is no longer held (it is then
 *       rebuilt from the seed, which already holds the record): ending it then answers
 *       {@link NotOpen} and counts nothing.</li>
 * </ul>
 *
 * <h2>Every answer is a value</h2>
 * A refusal is {@link QuotaRefused}; ending a reservation that is not open (already ended, or
 * forgotten) is {@link NotOpen}, and ending is idempotent: only the first end changes anything. A
 * store that cannot answer (a timeout, a lost connection) answers {@link StoreUnavailable} and must
 * not throw for it: the caller decides (the router fails closed by default, see
 * {@code QuotaStoreGate}). After an unavailable {@link #reserve} nothing may be held for the caller,
 * or what is held must expire with its lease.
 *
 * <h2>Contract for implementations</h2>
 * Every method is atomic per account and month; different accounts never contend. Keys are
 * {@code (account, period)}, amounts are longs ({@link QuotaAmount}), so e.g. a Redis implementation
 * is one hash per key with fields {@code settledCost, settledTokens, reservedCost, reservedTokens}
 * plus one field per open reservation (its amount and lease end), each method one Lua script that
 * first releases the expired ones. {@code QuotaStoreContract} (the {@code ports} test jar) states
 * every behaviour as a test a new store must pass.
 */
public interface QuotaStore {

    /**
     * Holds {@code amount} in {@code account}'s {@code period} until the store's clock passes
     * {@code lease} from now, if, in every dimension, {@code settled + reserved + amount <= limit};
     * otherwise holds nothing.
     *
     * @return a {@link Reservation}, {@link QuotaRefused} or {@link StoreUnavailable}
     */
    ReserveResult reserve(String account, YearMonth period, QuotaAmount amount, QuotaLimit limit, Duration lease);

    /**
     * Atomically replaces an open reservation by one of {@code newAmount} in the same account and
     * month, with the same lease end (e.g. a fall-down to another model): admitted if
     * {@code settled + reserved - held.amount + newAmount <= limit}. On success {@code held} is ended
     * and the new reservation is returned; on refusal {@code held} stays open, unchanged. At no moment
     * are both held, so a resize is never refused for room the old reservation itself occupies.
     *
     * @return the new {@link Reservation}, {@link QuotaRefused}, {@link NotOpen} if {@code held} is
     *         no longer open (ended, or its lease expired), or {@link StoreUnavailable}
     */
    ReserveResult resize(Reservation held, QuotaAmount newAmount, QuotaLimit limit);

    /**
     * Ends {@code reservation}, counting {@code actual} as settled in its month in place of the
     * reserved amount (see the class comment when actual exceeds it, or the lease has expired).
     *
     * @return {@link Ended}, {@link NotOpen} (already ended: nothing changed) or {@link StoreUnavailable}
     */
    EndResult settle(Reservation reservation, QuotaAmount actual);

    /**
     * Ends {@code reservation} counting nothing.
     *
     * @return {@link Ended}, {@link NotOpen} (already ended: nothing changed) or {@link StoreUnavailable}
     */
    EndResult release(Reservation reservation);

    /** The account's month as it stands: settled, reserved (in lease), open reservations. */
    QuotaUsage usage(String account, YearMonth period);

    /** The default lease: longer than any request's deadline and stream, short enough to recover from a crash. */
    Duration DEFAULT_LEASE = Duration.ofMinutes(15);
}

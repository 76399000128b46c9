package dev.llmrouter.ports.telemetry;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Refusal;
import java.time.Duration;
import java.util.Optional;

/**
 * The trace of one request, opened by {@link RouterTracer#start} and confined to the request's thread.
 * Calls arrive in this order: {@link #routed} (unless refused), then for each candidate either
 * {@link #skipped} or {@link #attempt}, then exactly one of {@link #refused} or {@link #ended}.
 * Every method has a do-nothing default so an implementation keeps only what it reports.
 */
public interface RequestTrace {

    /** The W3C trace id (32 lower-case hex digits) this request is recorded under, or empty when none. */
    default String traceId() {
        return "";
    }

    /**
     * Admitted and routed.
     *
     * @param requestedTier the tier the caller asked for, if any
     * @param firstTier     the tier of the first candidate of the chain
     * @param downgrade     why the chain starts below the requested tier, if it does
     * @param candidates    how many candidates the chain holds
     */
    default void routed(Optional<Tier> requestedTier, Tier firstTier, Optional<String> downgrade, int candidates) {}

    /** A candidate passed over without a call (breaker open, cooling down, past the deadline, over quota). */
    default void skipped(Attempt skip) {}

    /**
     * A call to {@code candidate} begins.
     *
     * @param number       the call's place among the request's calls, from 1
     * @param backoffWaited how long the router waited before this call (same-deployment retries), else zero
     * @return the attempt's trace, to be ended exactly once
     */
    default AttemptTrace attempt(Candidate candidate, int number, Duration backoffWaited) {
        return AttemptTrace.NONE;
    }

    /** Refused before any deployment was called; nothing was reserved. */
    default void refused(Refusal refusal) {}

    /**
     * The request ended after admission; {@code record} is its usage record when a deployment was called.
     *
     * @param reservedTokens the quota reservation's tokens as last resized (the worst case of the model last held for)
     * @param reservedCost   that reservation's cost
     * @param settled        whether the reservation settled to the record's cost (else it was released)
     */
    default void ended(Optional<UsageRecord> record, long reservedTokens, Money reservedCost, boolean settled) {}

    RequestTrace NONE = new RequestTrace() {};
}

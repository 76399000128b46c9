package dev.llmrouter.ports.quota;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.ports.chat.PromptEstimate;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Quota admission for one request (Requirement 5.4, Property 17): reserve the worst case before the
 * request reaches a deployment, settle the actual usage after.
 *
 * <p>Worst case = estimated prompt tokens + output cap, in tokens, and priced with the model's
 * {@link dev.llmrouter.domain.money.Pricing} (input and output apart) in cost. The output cap is the
 * caller's {@code max_tokens}, lowered to the model's maximum output, or the model's maximum when the
 * caller gave none; the ticket carries it and the router must send it, otherwise the output is not
 * bounded and neither is the reservation.
 *
 * <p>The month is the calendar month in UTC of the clock's instant at admission.
 */
public final class QuotaAdmission {

    private final QuotaStore store;
    private final InstantSource clock;

    public QuotaAdmission(QuotaStore store, InstantSource clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reserves the worst case of a request for {@code account} under its {@code plan}'s quota.
     *
     * @param estimatedPromptTokens   the prompt's tokens as counted before the call; an upper bound
     *                                (see {@link PromptEstimate#maxTokens()}) makes the reservation a
     *                                true worst case
     * @param requestedMaxOutputTokens the caller's {@code max_tokens}, if it gave one
     */
    public QuotaDecision admit(String account, Plan plan, ModelSpec model, long estimatedPromptTokens,
            OptionalInt requestedMaxOutputTokens) {
        Objects.requireNonNull(plan, "plan");
        int cap = effectiveMaxOutputTokens(model, requestedMaxOutputTokens);
        YearMonth period = periodOf(clock.instant());
        ReserveResult result = store.reserve(account, period, worstCase(model, estimatedPromptTokens, cap),
                QuotaLimit.of(plan.quota()));
        return decision(result, model, estimatedPromptTokens, requestedMaxOutputTokens, cap, period);
    }

    /**
     * As {@link #admit(String, Plan, ModelSpec, long, OptionalInt)}, reserving the estimate's
     * <em>bound</em> ({@link PromptEstimate#maxTokens()}): the real prompt never exceeds it, so with the
     * output capped the settled usage never exceeds the reservation and the quota is never overspent.
     */
    public QuotaDecision admit(String account, Plan plan, ModelSpec model, PromptEstimate prompt,
            OptionalInt requestedMaxOutputTokens) {
        return admit(account, plan, model, prompt.maxTokens(), requestedMaxOutputTokens);
    }

    /**
     * Moves a held ticket to another model (a fall-down to another tier, possibly pricier): the
     * reservation is atomically replaced by the worst case on {@code model}, the caller's
     * {@code max_tokens} re-capped to that model. On refusal the old ticket stays held, unchanged; the
     * caller still ends it.
     */
    public QuotaDecision readmit(QuotaTicket held, Plan plan, ModelSpec model) {
        Objects.requireNonNull(held, "held");
        Objects.requireNonNull(plan, "plan");
        int cap = effectiveMaxOutputTokens(model, held.requestedMaxOutputTokens());
        Reservation reservation = held.reservation();
        ReserveResult result = store.resize(reservation, worstCase(model, held.promptTokens(), cap),
                QuotaLimit.of(plan.quota()));
        return decision(result, model, held.promptTokens(), held.requestedMaxOutputTokens(), cap, reservation.period());
    }

    /**
     * Ends the ticket counting the actual usage, priced for the ticket's model.
     *
     * @return {@code false} if the ticket had already been ended
     */
    public boolean settle(QuotaTicket ticket, TokenUsage actual) {
        Money cost = ticket.model().pricing().costOf(actual);
        return store.settle(ticket.reservation(), QuotaAmount.of(cost, actual.totalTokens()));
    }

    /** Ends the ticket counting nothing (the request never reached a deployment). */
    public boolean release(QuotaTicket ticket) {
        return store.release(ticket.reservation());
    }

    /** The caller's cap, lowered to the model's maximum output; the maximum when none was given. */
    public static int effectiveMaxOutputTokens(ModelSpec model, OptionalInt requested) {
        int max = model.maxOutputTokens();
        if (requested.isEmpty()) {
            return max;
        }
        int asked = requested.getAsInt();
        if (asked < 1) {
            throw new IllegalArgumentException("max output tokens must be positive: " + asked);
        }
        return Math.min(asked, max);
    }

    /** The reservation for a prompt of {@code promptTokens} and an output of at most {@code outputCap}. */
    public static QuotaAmount worstCase(ModelSpec model, long promptTokens, int outputCap) {
        Money cost = model.pricing().costOf(promptTokens, outputCap);
        return QuotaAmount.of(cost, Math.addExact(promptTokens, outputCap));
    }

    /**
     * The quota month (UTC) an instant falls in.
     *
     * <p>Called on every admission, and the calendar arithmetic allocates a handful of date objects:
     * the month last answered is kept with its bounds in epoch seconds, so an instant inside it (all
     * but the first call of each month) is answered by two comparisons. The cache is an immutable
     * record behind a volatile field: racing threads at worst both recompute.
     */
    public static YearMonth periodOf(Instant instant) {
        CachedPeriod cached = lastPeriod;
        long second = instant.getEpochSecond();
        if (second >= cached.startSecond() && second < cached.endSecond()) {
            return cached.period();
        }
        YearMonth period = YearMonth.from(instant.atOffset(ZoneOffset.UTC));
        lastPeriod = CachedPeriod.of(period);
        return period;
    }

    /** A month with its bounds: {@code [startSecond, endSecond)} in epoch seconds, UTC. */
    private record CachedPeriod(YearMonth period, long startSecond, long endSecond) {
        static CachedPeriod of(YearMonth period) {
            return new CachedPeriod(period,
                    period.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond(),
                    resetsAt(period).getEpochSecond());
        }
    }

    private static volatile CachedPeriod lastPeriod = CachedPeriod.of(YearMonth.of(1970, 1));

    /** The first instant of the month after {@code period} (UTC): when its quota resets. */
    public static Instant resetsAt(YearMonth period) {
        return period.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static QuotaDecision decision(ReserveResult result, ModelSpec model, long promptTokens,
            OptionalInt requested, int cap, YearMonth period) {
        if (result instanceof Reservation reservation) {
            return new QuotaTicket(reservation, model, promptTokens, requested, cap);
        }
        return new QuotaExceeded((QuotaRefused) result, resetsAt(period));
    }
}

package dev.llmrouter.ports.quota;

import dev.llmrouter.domain.catalog.ModelSpec;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Admission granted: the request's worst case is reserved. End it with
 * {@link QuotaAdmission#settle} or {@link QuotaAdmission#release}.
 *
 * @param reservation     what is held in the store
 * @param model           the model the worst case was priced for
 * @param promptTokens    the estimated prompt tokens that were reserved
 * @param requestedMaxOutputTokens the caller's {@code max_tokens}, if any
 * @param maxOutputTokens the output cap that must be sent to the deployment: the caller's value, or the
 *                        model's maximum when the caller gave none or more. Sending this cap is what
 *                        makes the reservation a true worst case.
 */
public record QuotaTicket(
        Reservation reservation,
        ModelSpec model,
        long promptTokens,
        OptionalInt requestedMaxOutputTokens,
        int maxOutputTokens) implements QuotaDecision {

    public QuotaTicket {
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(requestedMaxOutputTokens, "requestedMaxOutputTokens");
    }

    /** Prompt plus output cap: also what the per-minute token limit should be charged. */
    public long worstCaseTokens() {
        return reservation.amount().tokens();
    }
}

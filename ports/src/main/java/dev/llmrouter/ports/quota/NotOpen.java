package dev.llmrouter.ports.quota;

/**
 * The reservation is not open: already ended (ending is idempotent, so a second end lands here and
 * changes nothing), forgotten after its lease expired, or, for a resize, its lease has expired.
 *
 * @param reservationId the reservation asked about
 */
public record NotOpen(long reservationId) implements ReserveResult, EndResult {}

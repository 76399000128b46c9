package dev.llmrouter.ports.quota;

/** The answer of {@link QuotaStore#reserve} and {@link QuotaStore#resize}: a reservation, or a refusal. */
public sealed interface ReserveResult permits Reservation, QuotaRefused {}

package dev.llmrouter.ports.quota;

/** The answer of {@link QuotaStore#reserve} and {@link QuotaStore#resize}. */
public sealed interface ReserveResult permits Reservation, QuotaRefused, NotOpen, StoreUnavailable {}

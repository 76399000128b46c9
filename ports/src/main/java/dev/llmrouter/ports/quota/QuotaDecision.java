package dev.llmrouter.ports.quota;

/** The answer of {@link QuotaAdmission}: a ticket to proceed, or the month is spent. */
public sealed interface QuotaDecision permits QuotaTicket, QuotaExceeded {}

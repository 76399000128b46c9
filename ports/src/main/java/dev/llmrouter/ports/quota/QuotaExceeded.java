package dev.llmrouter.ports.quota;

import java.time.Instant;
import java.util.Objects;

/**
 * Admission refused: the request's worst case does not fit in the month. Nothing is held. The HTTP
 * layer answers 429 ({@code insufficient_quota}); {@code resetsAt} is when the next month starts (UTC).
 */
public record QuotaExceeded(QuotaRefused refusal, Instant resetsAt) implements QuotaDecision {

    public QuotaExceeded {
        Objects.requireNonNull(refusal, "refusal");
        Objects.requireNonNull(resetsAt, "resetsAt");
    }
}

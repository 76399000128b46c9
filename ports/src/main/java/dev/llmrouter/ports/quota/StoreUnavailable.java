package dev.llmrouter.ports.quota;

import java.util.Objects;

/**
 * The quota store could not answer (a timeout, a lost connection): nothing is known to have changed.
 * A value, never an exception, so that the caller applies its policy (the router's
 * {@code QuotaStoreGate} fails closed by default: 503 with {@code Retry-After}, nothing reaches a
 * deployment).
 *
 * @param reason what went wrong, for the log and the operator (never a secret)
 */
public record StoreUnavailable(String reason) implements ReserveResult, EndResult {
    public StoreUnavailable {
        Objects.requireNonNull(reason, "reason");
    }
}

package dev.llmrouter.app.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * One store as the readiness page shows it.
 *
 * @param store     {@code ledger}, {@code quota} or {@code rate_limit}
 * @param kind      what keeps it ({@code h2-file}, {@code jdbc}, {@code redis}, {@code in-memory})
 * @param policy    what a check does when it cannot answer ({@code fail-closed}, {@code fail-open},
 *                  {@code fail-open-local}; {@code spool} for the ledger)
 * @param available whether its last answer (or probe) was one
 * @param problem   why not, when not
 */
public record StoreStatus(String store, String kind, String policy, boolean available, Optional<String> problem) {
    public StoreStatus {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(problem, "problem");
    }
}

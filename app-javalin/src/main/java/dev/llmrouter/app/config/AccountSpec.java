package dev.llmrouter.app.config;

import java.util.List;
import java.util.Objects;

/**
 * One gateway account as configured.
 *
 * @param id        the account id
 * @param planId    its plan (validated to exist)
 * @param operator  may call the operator routes
 * @param keyHashes the stored forms of its keys ({@link KeyHasher}); several allow rotation
 */
public record AccountSpec(String id, String planId, boolean operator, List<String> keyHashes) {

    public AccountSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(planId, "planId");
        keyHashes = List.copyOf(keyHashes);
    }
}

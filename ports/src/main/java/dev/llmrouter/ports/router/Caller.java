package dev.llmrouter.ports.router;

import dev.llmrouter.domain.plan.Plan;
import java.util.Objects;

/**
 * Who is asking: the account (authenticated by the gateway, or trusted by an embedding service), its
 * plan, and the creator and operation the usage is attributed to.
 *
 * @param accountId the account the usage, quota and rate limits belong to
 * @param plan      the account's plan
 * @param creator   the end user or component the usage is attributed to (OpenAI {@code user}), or empty
 * @param operation the business operation (e.g. {@code summarize-ticket}), or empty
 */
public record Caller(String accountId, Plan plan, String creator, String operation) {

    public Caller {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(plan, "plan");
        creator = creator == null ? "" : creator;
        operation = operation == null ? "" : operation;
    }
}

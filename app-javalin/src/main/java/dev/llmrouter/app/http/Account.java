package dev.llmrouter.app.http;

import dev.llmrouter.domain.plan.Plan;
import java.util.Objects;

/**
 * An authenticated caller of the gateway.
 *
 * @param id       the account id (usage, quota and rate limits belong to it)
 * @param plan     its plan
 * @param operator may call the operator routes ({@code /admin/...})
 */
public record Account(String id, Plan plan, boolean operator) {

    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(plan, "plan");
    }
}

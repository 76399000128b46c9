package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.region.Residency;
import java.util.Objects;

/**
 * What routing needs to know of a request.
 *
 * @param plan                  the caller's plan
 * @param requested             a tier id ({@code premium}, ...) or a model id, or {@code null} for the plan's default
 * @param preferredRegion       a region name to try first within each chain role, or {@code null}
 * @param residency             where the request's data may go; never broken
 * @param operation             the operation's capability ({@link Capability#CHAT},
 *                              {@link Capability#TEXT_COMPLETION}, {@link Capability#RESPONSES}): only models
 *                              that serve it are candidates
 * @param needsVision           the request carries image content
 * @param estimatedPromptTokens the prompt's estimated size, checked against each model's context window
 * @param allowFallDown         the caller accepts a lower tier when its tier's chain is exhausted
 *                              (takes effect only where the plan allows it too)
 */
public record RouteRequest(
        Plan plan,
        String requested,
        String preferredRegion,
        Residency residency,
        Capability operation,
        boolean needsVision,
        long estimatedPromptTokens,
        boolean allowFallDown) {

    public RouteRequest {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(operation, "operation");
        if (!operation.isOperation()) {
            throw new IllegalArgumentException("operation must be an operation (CHAT, TEXT_COMPLETION, RESPONSES), got " + operation);
        }
        residency = residency == null ? Residency.ANY : residency;
        if (estimatedPromptTokens < 0) {
            throw new IllegalArgumentException("estimated prompt tokens cannot be negative");
        }
    }

    /** A chat request of {@code plan} for {@code requested} (tier, model or null), with no other constraint. */
    public static RouteRequest of(Plan plan, String requested) {
        return new RouteRequest(plan, requested, null, Residency.ANY, Capability.CHAT, false, 0, true);
    }

    public RouteRequest withPreferredRegion(String region) {
        return new RouteRequest(plan, requested, region, residency, operation, needsVision, estimatedPromptTokens, allowFallDown);
    }

    public RouteRequest withResidency(Residency r) {
        return new RouteRequest(plan, requested, preferredRegion, r, operation, needsVision, estimatedPromptTokens, allowFallDown);
    }

    public RouteRequest withOperation(Capability op) {
        return new RouteRequest(plan, requested, preferredRegion, residency, op, needsVision, estimatedPromptTokens, allowFallDown);
    }

    public RouteRequest withVision(boolean vision) {
        return new RouteRequest(plan, requested, preferredRegion, residency, operation, vision, estimatedPromptTokens, allowFallDown);
    }

    public RouteRequest withEstimatedPromptTokens(long tokens) {
        return new RouteRequest(plan, requested, preferredRegion, residency, operation, needsVision, tokens, allowFallDown);
    }

    public RouteRequest withFallDown(boolean allowed) {
        return new RouteRequest(plan, requested, preferredRegion, residency, operation, needsVision, estimatedPromptTokens, allowed);
    }
}

package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import java.util.List;
import java.util.Optional;

/** The outcome of a routing decision: a plan to try, or a reasoned rejection. Never an exception. */
public sealed interface RoutePlan {

    /**
     * Where to send the request.
     *
     * @param requestedTier  the tier asked for (by tier or through a model), or empty when none was
     * @param effectiveTier  the tier served, never above the plan's highest
     * @param model          the model tried first: the catalog's model for the effective tier (or the
     *                       named model), unless filters removed it (e.g. a text-only model for an
     *                       image request), then the first candidate's
     * @param downgrade      why the effective tier is below the requested one, when it is
     * @param candidates     the eligible deployments, group by group in priority order; within a
     *                       group in declaration order, the order being chosen per request by the
     *                       balancer; never empty
     * @param groups         the priority groups of {@code candidates}
     */
    record Routed(
            Optional<Tier> requestedTier,
            Tier effectiveTier,
            ModelSpec model,
            Optional<String> downgrade,
            List<Candidate> candidates,
            PriorityGroups groups)
            implements RoutePlan {

        public Routed {
            candidates = List.copyOf(candidates);
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("a route needs at least one candidate");
            }
            if (groups.size() != candidates.size()) {
                throw new IllegalArgumentException("groups cover " + groups.size() + " candidates, not " + candidates.size());
            }
        }

        /** A route tried exactly in the order of {@code candidates} (each its own group). */
        public Routed(Optional<Tier> requestedTier, Tier effectiveTier, ModelSpec model, Optional<String> downgrade,
                List<Candidate> candidates) {
            this(requestedTier, effectiveTier, model, downgrade, candidates, PriorityGroups.singletons(candidates.size()));
        }

        public boolean downgraded() {
            return downgrade.isPresent();
        }
    }

    /** No deployment can serve the request, and why. */
    record Rejected(Reason reason, String message) implements RoutePlan {}

    /** Why a request could not be routed. */
    enum Reason {
        /** The requested name is neither a tier nor a model of the catalog. */
        UNKNOWN_MODEL,
        /** Residency, capability and context filters left no deployment. */
        NO_ELIGIBLE_DEPLOYMENT,
        /** The prompt is larger than every eligible model's context window. */
        PROMPT_TOO_LARGE
    }
}

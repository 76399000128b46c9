package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.DeploymentId;
import java.util.List;
import java.util.Objects;
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
     * @param chain          the eligible deployments in priority groups: the policy's remembered chain
     *                       for the request's shape, shared by every route of that shape
     */
    record Routed(
            Optional<Tier> requestedTier,
            Tier effectiveTier,
            ModelSpec model,
            Optional<String> downgrade,
            CandidateChain chain)
            implements RoutePlan {

        public Routed {
            Objects.requireNonNull(chain, "chain");
        }

        /** A route tried exactly in the order of {@code candidates} (each its own group). */
        public Routed(Optional<Tier> requestedTier, Tier effectiveTier, ModelSpec model, Optional<String> downgrade,
                List<Candidate> candidates) {
            this(requestedTier, effectiveTier, model, downgrade, CandidateChain.inOrder(candidates));
        }

        /**
         * The eligible deployments, group by group in priority order; within a group in declaration
         * order, the order being chosen per request by the balancer; never empty.
         */
        public List<Candidate> candidates() {
            return chain.candidates();
        }

        /** The priority groups of {@link #candidates()}. */
        public PriorityGroups groups() {
            return chain.groups();
        }

        public boolean downgraded() {
            return downgrade.isPresent();
        }

        /**
         * This route cut down to the one deployment a request must reach (it holds what the request
         * continues, e.g. a stored response): a chain of that candidate alone, so neither balancing
         * nor fallback sends the request elsewhere. Empty when the route does not hold it: the plan,
         * residency, operation or capabilities ruled it out, or the fleet has no such deployment; the
         * caller refuses the request then, since no other deployment can serve it.
         */
        public Optional<Routed> pinnedTo(DeploymentId deployment) {
            for (Candidate c : chain.candidates()) {
                if (c.deployment().id().equals(deployment)) {
                    return Optional.of(new Routed(requestedTier, effectiveTier, c.model(), downgrade, List.of(c)));
                }
            }
            return Optional.empty();
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

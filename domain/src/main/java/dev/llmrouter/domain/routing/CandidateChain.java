package dev.llmrouter.domain.routing;

import java.util.List;

/**
 * The deployments eligible for one request shape, in priority groups: what a {@link RoutingPolicy}
 * decides once per shape and remembers ({@link ChainCache}), and what a {@link RoutePlan.Routed}
 * carries. The order within a group is not part of it: the balancer chooses it per request.
 * Immutable, so one instance serves every request of its shape.
 *
 * @param candidates group by group in priority order; within a group in declaration order; never empty
 * @param groups     the priority groups of {@code candidates}
 */
public record CandidateChain(List<Candidate> candidates, PriorityGroups groups) {

    public CandidateChain {
        candidates = List.copyOf(candidates);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one candidate");
        }
        if (groups.size() != candidates.size()) {
            throw new IllegalArgumentException("groups cover " + groups.size() + " candidates, not " + candidates.size());
        }
    }

    /** A chain tried exactly in the order of {@code candidates} (each its own group). */
    public static CandidateChain inOrder(List<Candidate> candidates) {
        return new CandidateChain(candidates, PriorityGroups.singletons(candidates.size()));
    }
}

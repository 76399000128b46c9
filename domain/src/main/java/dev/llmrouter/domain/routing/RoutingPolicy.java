package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.region.Region;
import dev.llmrouter.domain.routing.RoutePlan.Reason;
import dev.llmrouter.domain.routing.RoutePlan.Rejected;
import dev.llmrouter.domain.routing.RoutePlan.Routed;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides, for one request, the tier it is served at and the deployments to try, in order.
 *
 * <p>The decision is a pure function of the {@link Fleet} and the {@link RouteRequest}, applied as a
 * sequence of small rules:
 * <ol>
 *   <li><b>Resolve</b> the requested name: a tier id, a model id (its tier is the model's), a
 *       deployment's id or Azure deployment name (it stands for the model it serves, as Azure's v1 API
 *       names deployments in {@code model}), or none (the plan's default tier). Anything else is rejected as {@link Reason#UNKNOWN_MODEL}.
 *   <li><b>Cap</b> at the plan's highest tier. A request above it is downgraded to the highest tier
 *       and the plan says why; a named model above the plan is replaced by that tier's model.
 *   <li><b>Choose the model</b>: the named model, else the catalog's model for the effective tier.
 *   <li><b>Build the chain</b>: the chosen model's deployments, then — for tier requests — the same
 *       tier's other models, then, where both the plan and the request allow it, each lower tier's
 *       models (fall-down). Within a model, deployments go primary → secondary → disaster recovery,
 *       and within a role the preferred region first, then regions of the same geography, then the
 *       rest, declaration order breaking ties. Each run of one model, role and closeness is a
 *       {@link PriorityGroups priority group}: the order inside it is chosen per request by the
 *       balancer, never here.
 *   <li><b>Filter</b>: a deployment outside the residency set is never a candidate, not even as a
 *       fall-down; a model that does not serve the request's operation (chat, text completion, embeddings),
 *       lacks a needed capability (vision) or whose context window cannot hold the estimated prompt
 *       is skipped, wherever it stands in the chain.
 * </ol>
 * An empty chain is a {@link Rejected} value with a reason the caller can read.
 *
 * <p>The decision runs before every call, so the policy remembers what does not change between
 * requests of the same shape: the chains it built ({@link ChainCache}, keyed on exactly the inputs
 * the rules read) and the downgrade reasons ({@link DowngradeReasons}). A decision for a shape seen
 * before allocates only its {@link Routed}. Thread-safe.
 */
public final class RoutingPolicy {

    private final Fleet fleet;
    private final ChainCache chains;
    private final DowngradeReasons downgrades = new DowngradeReasons();

    public RoutingPolicy(Fleet fleet) {
        this.fleet = fleet;
        this.chains = new ChainCache(fleet);
    }

    public Fleet fleet() {
        return fleet;
    }

    /** The remembered chains (tests: what is kept). */
    ChainCache chains() {
        return chains;
    }

    public RoutePlan route(RouteRequest request) {
        Plan plan = request.plan();
        String requested = request.requested() == null ? "" : request.requested().trim();

        Optional<Tier> requestedTier;
        ModelSpec named = null;
        if (requested.isEmpty()) {
            requestedTier = Optional.empty();
        } else {
            requestedTier = Tier.parse(requested);
            if (requestedTier.isEmpty()) {
                named = fleet.catalog().model(requested).orElse(null);
                if (named == null) {
                    // Azure's v1 API names a deployment in "model": it stands for the model that deployment serves.
                    named = fleet.deploymentNamed(requested).flatMap(d -> fleet.catalog().model(d.modelId())).orElse(null);
                }
                if (named == null) {
                    return new Rejected(Reason.UNKNOWN_MODEL, "'" + requested
                            + "' is neither a tier (premium, standard, economy), a model of the catalog nor a deployment");
                }
                requestedTier = named.tier().asOptional();
            }
        }

        Tier effective = plan.effectiveTier(requestedTier.orElse(null));
        Optional<String> downgrade = requestedTier.isPresent() && requestedTier.get().isAbove(effective)
                ? downgrades.reason(plan.id(), requestedTier.get(), effective)
                : Optional.empty();
        if (downgrade.isPresent()) {
            named = null; // a named model above the plan is replaced by the effective tier's model
        }
        if (named == null && !fleet.catalog().hasTier(effective)) {
            return new Rejected(Reason.NO_ELIGIBLE_DEPLOYMENT, "the catalog has no model for tier " + effective.id());
        }
        ModelSpec model = named != null ? named : fleet.catalog().tierModel(effective);
        boolean fallDown = plan.fallDown() && request.allowFallDown();

        // The chain is a pure function of the fleet and the inputs the cache is keyed on: a hit is the
        // same list the rules below would build. Empty chains are not cached, so a rejection always
        // runs the filters that explain it.
        CandidateChain chain = chains.get(model, effective, named != null, fallDown, request);
        if (chain == null) {
            Filters filters = new Filters(request, fleet);
            List<Candidate> built = buildChain(model, effective, named != null, fallDown, filters);
            if (built.isEmpty()) {
                return filters.rejection(model);
            }
            chain = new CandidateChain(built, groups(built, filters));
            chains.put(model, effective, named != null, fallDown, request, chain);
        }
        // Report the model that will be tried first: the chosen one unless filters removed it (e.g. vision).
        return new Routed(requestedTier, effective, chain.candidates().get(0).model(), downgrade, chain);
    }

    /** The priority groups of a built chain: model, tier, fall-down, role and closeness to the preferred region. */
    private static PriorityGroups groups(List<Candidate> chain, Filters f) {
        Object[] keys = new Object[chain.size()];
        for (int i = 0; i < keys.length; i++) {
            Candidate c = chain.get(i);
            keys[i] = List.of(c.model().id(), c.tier(), c.fallDown(), c.deployment().role(),
                    f.preferredName == null ? 0 : f.regionRank(c));
        }
        return PriorityGroups.of(keys);
    }

    /**
     * The rules' chain: the chosen model's deployments, the tier's other models (tier requests only),
     * then each lower tier's models when fall-down is on; filtered and ordered as the class comment says.
     */
    private List<Candidate> buildChain(ModelSpec model, Tier effective, boolean named, boolean fallDown, Filters filters) {
        List<Candidate> chain = new ArrayList<>();
        addModel(chain, model, effective, false, filters);
        if (!named) {
            addOtherModelsOfTier(chain, model, effective, false, filters);
        }
        if (fallDown) {
            for (Optional<Tier> t = effective.lower(); t.isPresent(); t = t.get().lower()) {
                Tier lower = t.get();
                if (!fleet.catalog().hasTier(lower)) {
                    continue;
                }
                ModelSpec lowerModel = fleet.catalog().tierModel(lower);
                addModel(chain, lowerModel, lower, true, filters);
                addOtherModelsOfTier(chain, lowerModel, lower, true, filters);
            }
        }
        return chain;
    }

    private void addOtherModelsOfTier(List<Candidate> chain, ModelSpec first, Tier tier, boolean fallDown, Filters f) {
        for (ModelSpec other : fleet.catalog().models()) {
            if (other.tier() == tier && !other.id().equals(first.id())) {
                addModel(chain, other, tier, fallDown, f);
            }
        }
    }

    private void addModel(List<Candidate> chain, ModelSpec model, Tier tier, boolean fallDown, Filters f) {
        if (!f.modelFits(model)) {
            return;
        }
        List<Deployment> deployments = fleet.deploymentsOf(model.id());
        int start = chain.size();
        for (Deployment d : deployments) {
            if (f.regionAllowed(d.region())) {
                chain.add(new Candidate(d, model, tier, fallDown));
            }
        }
        if (f.preferredName != null && chain.size() - start > 1) {
            // Stable sort of this model's slice: role first, then closeness to the preferred region.
            chain.subList(start, chain.size()).sort((a, b) -> {
                int byRole = a.deployment().role().compareTo(b.deployment().role());
                return byRole != 0 ? byRole : Integer.compare(f.regionRank(a), f.regionRank(b));
            });
        }
    }

    /** The per-request filters, and what they removed (to explain an empty chain). */
    private static final class Filters {
        private final RouteRequest request;
        private final Region preferred;
        private final String preferredName;
        private final Fleet fleet;
        private boolean removedByResidency;
        private boolean removedByOperation;
        /** Some model considered serves the operation: then the other filters, not the operation, explain a rejection. */
        private boolean operationServed;
        private boolean removedByVision;
        private boolean removedByContext;

        Filters(RouteRequest request, Fleet fleet) {
            this.request = request;
            this.fleet = fleet;
            this.preferredName = request.preferredRegion();
            // A region the fleet does not know has no geography: only an exact name match ranks it.
            this.preferred = preferredName == null ? null : fleet.region(preferredName).orElse(null);
        }

        boolean modelFits(ModelSpec model) {
            if (!model.supports(request.operation())) {
                removedByOperation = true;
                return false;
            }
            operationServed = true;
            if (request.needsVision() && !model.supports(Capability.VISION)) {
                removedByVision = true;
                return false;
            }
            if (request.estimatedPromptTokens() >= model.contextWindow()) {
                removedByContext = true;
                return false;
            }
            return true;
        }

        boolean regionAllowed(Region region) {
            if (!request.residency().allows(region)) {
                removedByResidency = true;
                return false;
            }
            return true;
        }

        int regionRank(Candidate c) {
            Region r = c.deployment().region();
            if (r.name().equals(preferredName)) {
                return 0;
            }
            return preferred != null && r.geography() == preferred.geography() ? 1 : 2;
        }

        Rejected rejection(ModelSpec model) {
            List<String> why = new ArrayList<>();
            if (removedByResidency) {
                why.add("no deployment within residency '" + request.residency().describe() + "'");
            }
            boolean byOperation = removedByOperation && !operationServed;
            if (byOperation) {
                why.add(operationMissing());
            }
            if (removedByVision) {
                why.add("image input needs a vision-capable model");
            }
            if (removedByContext) {
                why.add("the prompt (~" + request.estimatedPromptTokens() + " tokens) exceeds the context window");
            }
            if (why.isEmpty()) {
                why.add("no deployment serves model '" + model.id() + "'");
            }
            Reason reason = removedByContext && !removedByResidency && !byOperation && !removedByVision
                    ? Reason.PROMPT_TOO_LARGE
                    : Reason.NO_ELIGIBLE_DEPLOYMENT;
            return new Rejected(reason, String.join("; ", why));
        }

        /** Names the operation and the models within the plan's reach that serve it: what to ask for instead. */
        private String operationMissing() {
            Capability operation = request.operation();
            List<String> serving = new ArrayList<>();
            for (ModelSpec m : fleet.catalog().models()) {
                if (m.supports(operation) && request.plan().allows(m.tier())) {
                    serving.add(m.id());
                }
            }
            String what = switch (operation) {
                case TEXT_COMPLETION -> "a text completion needs a model with the text-completion capability";
                case EMBEDDINGS -> "an embeddings request needs an embedding model";
                case RESPONSES -> "a Responses API call needs a model with the responses capability";
                default -> "a chat completion needs a chat model";
            };
            return what + (serving.isEmpty()
                    ? " (plan '" + request.plan().id() + "' reaches none)"
                    : " (plan '" + request.plan().id() + "' reaches: " + String.join(", ", serving) + ")");
        }
    }
}

package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.Pricing;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request's prompt estimates, made on first use per tokenizer encoding (a chain that crosses
 * tokenizers needs more than one), and the token bounds derived from them: the output cap a model is
 * sent and the worst case a quota must hold. Confined to the request's thread.
 */
final class PromptEstimates {

    private final PromptTokenEstimator estimator;
    private final ChatRequest request;
    private final Fleet fleet;
    /** The first encoding estimated for (nearly always the only one) and its estimate. */
    private TokenEncoding first;
    private PromptEstimate firstEstimate;
    private Map<TokenEncoding, PromptEstimate> more;

    PromptEstimates(PromptTokenEstimator estimator, ChatRequest request, Fleet fleet) {
        this.estimator = estimator;
        this.request = request;
        this.fleet = fleet;
    }

    PromptEstimate of(TokenEncoding encoding) {
        Objects.requireNonNull(encoding, "encoding");
        if (encoding == first) {
            return firstEstimate;
        }
        if (first == null) {
            firstEstimate = estimator.estimate(request, encoding);
            first = encoding;
            return firstEstimate;
        }
        if (more == null) {
            more = new EnumMap<>(TokenEncoding.class);
        }
        return more.computeIfAbsent(encoding, e -> estimator.estimate(request, e));
    }

    /** {@code min(caller max_tokens, model max)}, the model's max when the caller set none. */
    int outputCap(ModelSpec model) {
        int asked = request.maxOutputTokens();
        return asked == 0 ? model.maxOutputTokens() : Math.min(asked, model.maxOutputTokens());
    }

    /** Expected prompt tokens plus the output cap: what a rate limit counts for the request. */
    long expectedTokens(ModelSpec model) {
        return Math.addExact(of(model.encoding()).expectedTokens(), request.worstCaseOutputTokens(outputCap(model)));
    }

    /**
     * The prompt's upper bound plus the output cap of {@code candidate}'s model, priced at its
     * prices at their dearest for the prompt (no share of it assumed cached), or at its spillover
     * target's when those are dearer (Azure may serve the call there and it is billed as served): what
     * a quota must hold.
     */
    QuotaGate.Charge worstCase(Candidate candidate) {
        ModelSpec model = candidate.model();
        long prompt = of(model.encoding()).maxTokens();
        long out = request.worstCaseOutputTokens(outputCap(model));
        Money cost = candidate.pricing().worstCaseCostOf(prompt, out);
        Optional<Pricing> spillover = fleet.spilloverPricing(candidate.deployment());
        if (spillover.isPresent()) {
            Money spilled = spillover.get().worstCaseCostOf(prompt, out);
            cost = spilled.exceeds(cost) ? spilled : cost;
        }
        return new QuotaGate.Charge(Math.addExact(prompt, out), cost);
    }
}

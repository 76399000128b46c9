package dev.llmrouter.domain.routing;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.money.Pricing;

/**
 * One deployment the router may try, in chain order.
 *
 * @param deployment the deployment
 * @param model      the model it serves (prices, context window, encoding)
 * @param tier       the tier this candidate serves the request at
 * @param fallDown   true when it comes from a lower tier's chain, appended after the effective tier's
 */
public record Candidate(Deployment deployment, ModelSpec model, Tier tier, boolean fallDown) {

    /** The prices this candidate bills at: its deployment's own where it has them, else its model's (Requirement 8.5). */
    public Pricing pricing() {
        return deployment.pricingOr(model.pricing());
    }
}

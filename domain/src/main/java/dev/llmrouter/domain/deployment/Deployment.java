package dev.llmrouter.domain.deployment;

import dev.llmrouter.domain.money.Pricing;
import dev.llmrouter.domain.region.Region;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * One Azure OpenAI deployment: a model served at an endpoint in a region.
 *
 * @param id                  the router's id for it
 * @param modelId             the catalog model it serves
 * @param region              where it runs
 * @param endpoint            the resource endpoint, e.g. {@code https://contoso-eus.openai.azure.com}
 * @param azureDeploymentName the deployment name inside that resource
 * @param role                its place in its tier's chain
 * @param pricing             its own prices where its deployment type (global, data zone, regional,
 *                            provisioned) is billed apart from its model's list prices; empty: the model's
 * @param spilloverTo         the deployment Azure serves this one's overflow from (a provisioned deployment's
 *                            spillover target), which a spilled answer is recorded and priced as; empty: none
 */
public record Deployment(
        DeploymentId id, String modelId, Region region, URI endpoint, String azureDeploymentName, ChainRole role,
        Optional<Pricing> pricing, Optional<DeploymentId> spilloverTo) {

    public Deployment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(azureDeploymentName, "azureDeploymentName");
        Objects.requireNonNull(role, "role");
        pricing = pricing == null ? Optional.empty() : pricing;
        spilloverTo = spilloverTo == null ? Optional.empty() : spilloverTo;
    }

    /** A deployment billed at its model's prices, with no spillover target. */
    public Deployment(
            DeploymentId id, String modelId, Region region, URI endpoint, String azureDeploymentName, ChainRole role) {
        this(id, modelId, region, endpoint, azureDeploymentName, role, Optional.empty(), Optional.empty());
    }

    /** This deployment's prices: its own where it has them, else its model's. */
    public Pricing pricingOr(Pricing modelPricing) {
        return pricing.isPresent() ? pricing.get() : modelPricing;
    }
}

package dev.llmrouter.domain.deployment;

import dev.llmrouter.domain.region.Region;
import java.net.URI;
import java.util.Objects;

/**
 * One Azure OpenAI deployment: a model served at an endpoint in a region.
 *
 * @param id                  the router's id for it
 * @param modelId             the catalog model it serves
 * @param region              where it runs
 * @param endpoint            the resource endpoint, e.g. {@code https://contoso-eus.openai.azure.com}
 * @param azureDeploymentName the deployment name inside that resource
 * @param role                its place in its tier's chain
 */
public record Deployment(
        DeploymentId id, String modelId, Region region, URI endpoint, String azureDeploymentName, ChainRole role) {

    public Deployment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(azureDeploymentName, "azureDeploymentName");
        Objects.requireNonNull(role, "role");
    }
}

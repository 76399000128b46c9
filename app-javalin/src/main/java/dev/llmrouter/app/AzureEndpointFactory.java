package dev.llmrouter.app;

import dev.llmrouter.app.config.DeploymentSettings;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.ports.chat.ChatEndpoint;
import java.util.Map;

/** Makes the endpoint of the fleet's real Azure OpenAI deployments (the wiring's seam to the Azure adapter). */
@FunctionalInterface
public interface AzureEndpointFactory {

    /**
     * One endpoint serving every real deployment given (so they share one connection pool); called
     * once, and only when the fleet has real deployments.
     */
    ChatEndpoint create(Map<Deployment, DeploymentSettings.Azure> deployments);

    /** For builds and tests that have only simulated deployments. */
    AzureEndpointFactory UNAVAILABLE = deployments -> {
        throw new IllegalStateException("deployments " + deployments.keySet().stream().map(d -> d.id().value()).toList()
                + " are real Azure OpenAI deployments, and this gateway was built without the Azure adapter");
    };
}

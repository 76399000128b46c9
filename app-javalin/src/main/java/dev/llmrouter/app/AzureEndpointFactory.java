package dev.llmrouter.app;

import dev.llmrouter.app.config.DeploymentSettings;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.ports.chat.ChatEndpoint;

/** Makes the endpoint of one real Azure OpenAI deployment (the wiring's seam to the Azure adapter). */
@FunctionalInterface
public interface AzureEndpointFactory {

    ChatEndpoint create(Deployment deployment, DeploymentSettings.Azure settings);

    /** For builds and tests that have only simulated deployments. */
    AzureEndpointFactory UNAVAILABLE = (deployment, settings) -> {
        throw new IllegalStateException("deployment '" + deployment.id()
                + "' is a real Azure OpenAI deployment, and this gateway was built without the Azure adapter");
    };
}

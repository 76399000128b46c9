package dev.llmrouter.app;

import dev.llmrouter.adapters.azure.AzureDeploymentSettings;
import dev.llmrouter.adapters.azure.AzureOpenAiEndpoint;
import dev.llmrouter.adapters.azure.TokenizerEstimator;
import dev.llmrouter.app.config.AzureAuth;
import dev.llmrouter.app.config.DeploymentSettings;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.ports.chat.ChatEndpoint;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The production {@link AzureEndpointFactory}: one {@link AzureOpenAiEndpoint} (the official SDK, one
 * shared connection pool) for every real deployment, each with its API version and credential.
 */
public final class AzureAdapterEndpoints implements AzureEndpointFactory {

    private final InstantSource clock;

    public AzureAdapterEndpoints(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ChatEndpoint create(Map<Deployment, DeploymentSettings.Azure> deployments) {
        List<AzureDeploymentSettings> settings = deployments.entrySet().stream()
                .map(e -> new AzureDeploymentSettings(e.getKey(), e.getValue().apiVersion(), auth(e.getValue().auth()))
                        .withApi(e.getValue().api() == DeploymentSettings.Api.V1
                                ? AzureDeploymentSettings.Api.V1 : AzureDeploymentSettings.Api.CLASSIC))
                .toList();
        return new AzureOpenAiEndpoint(settings, AzureOpenAiEndpoint.defaultHttpClient(), clock, new TokenizerEstimator());
    }

    static dev.llmrouter.adapters.azure.AzureAuth auth(AzureAuth configured) {
        if (configured instanceof AzureAuth.ApiKey key) {
            return new dev.llmrouter.adapters.azure.AzureAuth.ApiKey(key.key().value());
        }
        return new dev.llmrouter.adapters.azure.AzureAuth.EntraId(((AzureAuth.EntraId) configured).clientId());
    }
}

package dev.llmrouter.app.config;

import dev.llmrouter.app.sim.SimulationProfile;
import java.util.Objects;

/**
 * What the gateway needs to call one deployment beyond the domain's {@link
 * dev.llmrouter.domain.deployment.Deployment}: a real Azure OpenAI deployment, or a simulated one.
 */
public sealed interface DeploymentSettings {

    /**
     * @param apiVersion the Azure OpenAI REST API version, e.g. {@code 2024-10-21}
     * @param auth       how to authenticate
     */
    record Azure(String apiVersion, AzureAuth auth) implements DeploymentSettings {
        public Azure {
            Objects.requireNonNull(apiVersion, "apiVersion");
            Objects.requireNonNull(auth, "auth");
        }
    }

    /** Answered in-process by {@link dev.llmrouter.app.sim.SimulatedChatEndpoint}. */
    record Simulated(SimulationProfile profile) implements DeploymentSettings {
        public Simulated {
            Objects.requireNonNull(profile, "profile");
        }
    }
}

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
     * @param api        how chat and completions are called: {@code classic}
     *                   ({@code /openai/deployments/{name}/...?api-version=}) or {@code v1} ({@code /openai/v1/...},
     *                   the deployment in the body); the Responses API always goes by the v1 path
     */
    record Azure(String apiVersion, AzureAuth auth, Api api) implements DeploymentSettings {
        public Azure {
            Objects.requireNonNull(apiVersion, "apiVersion");
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(api, "api");
        }

        /** Called on the classic path. */
        public Azure(String apiVersion, AzureAuth auth) {
            this(apiVersion, auth, Api.CLASSIC);
        }
    }

    /** Azure's two REST surfaces, as a deployment's {@code api} names them. */
    enum Api { CLASSIC, V1 }

    /** Answered in-process by {@link dev.llmrouter.app.sim.SimulatedChatEndpoint}. */
    record Simulated(SimulationProfile profile) implements DeploymentSettings {
        public Simulated {
            Objects.requireNonNull(profile, "profile");
        }
    }
}

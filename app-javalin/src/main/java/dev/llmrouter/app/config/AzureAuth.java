package dev.llmrouter.app.config;

import java.util.Objects;
import java.util.Optional;

/** How the gateway authenticates to one Azure OpenAI deployment (Requirement 2.1). */
public sealed interface AzureAuth {

    /**
     * An API key taken from an environment variable (the file names the variable, never the key).
     *
     * @param envName the variable's name, for messages
     * @param key     its value
     */
    record ApiKey(String envName, Secret key) implements AzureAuth {
        public ApiKey {
            Objects.requireNonNull(envName, "envName");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Microsoft Entra ID: a managed identity or {@code DefaultAzureCredential}, scope
     * {@code https://cognitiveservices.azure.com/.default}.
     *
     * @param clientId the client id of a user-assigned managed identity; empty for the default chain
     */
    record EntraId(Optional<String> clientId) implements AzureAuth {
        public EntraId {
            clientId = clientId == null ? Optional.empty() : clientId;
        }
    }
}

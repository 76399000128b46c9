package dev.llmrouter.adapters.azure;

import com.azure.core.credential.TokenCredential;
import java.util.Objects;
import java.util.Optional;

/**
 * How the router authenticates to one Azure OpenAI deployment (Requirement 2.1).
 *
 * <p>The secret of an {@link ApiKey} is resolved by the application (environment variable, secret
 * store) and handed in; it never appears in source or configuration files, and never in
 * {@link #toString()}.
 */
public sealed interface AzureAuth {

    /** The scope Azure OpenAI tokens are issued for. */
    String COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";

    /** An {@code api-key} header. */
    record ApiKey(String secret) implements AzureAuth {
        public ApiKey {
            Objects.requireNonNull(secret, "api key");
            if (secret.isBlank()) {
                throw new IllegalArgumentException("api key cannot be blank");
            }
        }

        @Override
        public String toString() {
            return "ApiKey[****]";
        }
    }

    /**
     * Microsoft Entra ID: the managed identity with the given client id (a user-assigned identity),
     * or {@code DefaultAzureCredential} when none is given.
     */
    record EntraId(Optional<String> managedIdentityClientId) implements AzureAuth {
        public EntraId {
            managedIdentityClientId = managedIdentityClientId == null ? Optional.empty()
                    : managedIdentityClientId.filter(s -> !s.isBlank());
        }

        public static EntraId defaultCredential() {
            return new EntraId(Optional.empty());
        }

        public static EntraId managedIdentity(String clientId) {
            return new EntraId(Optional.of(clientId));
        }
    }

    /** Entra ID through a credential the embedder built itself (workload identity, a test credential, ...). */
    record Credential(TokenCredential credential) implements AzureAuth {
        public Credential {
            Objects.requireNonNull(credential, "credential");
        }
    }

    static ApiKey apiKey(String secret) {
        return new ApiKey(secret);
    }
}

package dev.llmrouter.adapters.azure;

import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import java.net.URI;
import java.util.Objects;

/**
 * What the adapter needs to call one deployment: where it is (from the domain {@link Deployment}),
 * which REST API version to speak, and how to authenticate.
 *
 * <p>The API version is a string rather than the SDK's {@code OpenAIServiceVersion} enum because the
 * enum of the pinned SDK lags the service: GA versions newer than it (e.g. {@value #DEFAULT_API_VERSION})
 * are still sent exactly as configured.
 *
 * <p>A key is never sent over plain HTTP except to a loopback address (local test doubles), and an
 * Entra ID token never over plain HTTP at all: such settings are refused here, at configuration time.
 *
 * @param deployment the deployment (endpoint and Azure deployment name)
 * @param apiVersion the {@code api-version} query parameter, e.g. {@code 2024-10-21}
 * @param auth       how to authenticate
 */
public record AzureDeploymentSettings(Deployment deployment, String apiVersion, AzureAuth auth) {

    /** The latest GA data-plane version at the time of writing. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    public AzureDeploymentSettings {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(auth, "auth");
        apiVersion = apiVersion == null || apiVersion.isBlank() ? DEFAULT_API_VERSION : apiVersion.strip();
        URI endpoint = deployment.endpoint();
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("deployment " + deployment.id() + ": endpoint must be http(s): " + endpoint);
        }
        if (scheme.equals("http") && !(auth instanceof AzureAuth.ApiKey)) {
            throw new IllegalArgumentException("deployment " + deployment.id()
                    + ": Entra ID tokens are only sent over https: " + endpoint);
        }
        if (scheme.equals("http") && !Loopback.isLoopbackHost(endpoint.getHost())) {
            throw new IllegalArgumentException("deployment " + deployment.id()
                    + ": refusing to send credentials over plain http to a non-loopback host " + endpoint.getHost()
                    + "; use https");
        }
    }

    public static AzureDeploymentSettings apiKey(Deployment deployment, String secret) {
        return new AzureDeploymentSettings(deployment, DEFAULT_API_VERSION, new AzureAuth.ApiKey(secret));
    }

    public static AzureDeploymentSettings entraId(Deployment deployment) {
        return new AzureDeploymentSettings(deployment, DEFAULT_API_VERSION, AzureAuth.EntraId.defaultCredential());
    }

    public AzureDeploymentSettings withApiVersion(String version) {
        return new AzureDeploymentSettings(deployment, version, auth);
    }

    public DeploymentId id() {
        return deployment.id();
    }

    /** The endpoint without a trailing slash, as the SDK expects it. */
    String endpointBase() {
        String s = deployment.endpoint().toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}

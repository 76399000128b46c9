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
 * <p>A streamed answer is read with a bound on the length of one line and of one event
 * ({@code maxStreamEventBytes}): an upstream that sends more without ending the line or the event
 * fails the stream as a malformed answer instead of growing the gateway's heap without limit.
 *
 * @param deployment          the deployment (endpoint and Azure deployment name)
 * @param apiVersion          the {@code api-version} query parameter, e.g. {@code 2024-10-21}
 * @param auth                how to authenticate
 * @param maxStreamEventBytes the longest line, and the longest event, of a streamed answer, in bytes
 * @param api                 how chat and completions are called ({@link Api}); the Responses API is
 *                            always called on the v1 path, the only one Azure serves it on
 */
public record AzureDeploymentSettings(Deployment deployment, String apiVersion, AzureAuth auth,
        int maxStreamEventBytes, Api api) {

    /** Azure's two REST surfaces. */
    public enum Api {
        /**
         * {@code /openai/deployments/{name}/chat/completions?api-version=...}: the deployment in the
         * path, through the Azure SDK's protocol methods.
         */
        CLASSIC,
        /**
         * {@code /openai/v1/chat/completions}: the deployment named in the body's {@code model}, no
         * {@code api-version}; called through azure-core's pipeline (same authentication and transport).
         */
        V1
    }

    /** The latest GA data-plane version at the time of writing. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    /**
     * 4 MiB. A legitimate event is one chunk of the answer: usually a delta of a few tokens (well under
     * 1 KiB), at most a whole answer sent as one chunk. The largest output of current models, 100,000
     * tokens, is about 400 KB of JSON in English, and about 1.2 MB when every character is a six-byte
     * JSON escape (non-Latin text, one or two characters a token): 4 MiB is more than three times
     * that, while a stream that reaches it holds at most a few times the bound (the line, the event,
     * its copy) before it is refused.
     */
    public static final int DEFAULT_MAX_STREAM_EVENT_BYTES = 4 * 1024 * 1024;

    /** Keeps the stream parser's arithmetic (a bound plus one read) far from {@code int} overflow. */
    static final int MAX_STREAM_EVENT_BYTES_LIMIT = 1 << 30;

    public AzureDeploymentSettings {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(auth, "auth");
        api = api == null ? Api.CLASSIC : api;
        if (maxStreamEventBytes < 1 || maxStreamEventBytes > MAX_STREAM_EVENT_BYTES_LIMIT) {
            throw new IllegalArgumentException("deployment " + deployment.id()
                    + ": maxStreamEventBytes must be between 1 and " + MAX_STREAM_EVENT_BYTES_LIMIT + ", was "
                    + maxStreamEventBytes);
        }
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

    /** With the default bound on a streamed line or event ({@value #DEFAULT_MAX_STREAM_EVENT_BYTES} bytes). */
    public AzureDeploymentSettings(Deployment deployment, String apiVersion, AzureAuth auth) {
        this(deployment, apiVersion, auth, DEFAULT_MAX_STREAM_EVENT_BYTES);
    }

    /** Called on the classic path. */
    public AzureDeploymentSettings(Deployment deployment, String apiVersion, AzureAuth auth, int maxStreamEventBytes) {
        this(deployment, apiVersion, auth, maxStreamEventBytes, Api.CLASSIC);
    }

    public static AzureDeploymentSettings apiKey(Deployment deployment, String secret) {
        return new AzureDeploymentSettings(deployment, DEFAULT_API_VERSION, new AzureAuth.ApiKey(secret));
    }

    public static AzureDeploymentSettings entraId(Deployment deployment) {
        return new AzureDeploymentSettings(deployment, DEFAULT_API_VERSION, AzureAuth.EntraId.defaultCredential());
    }

    public AzureDeploymentSettings withApiVersion(String version) {
        return new AzureDeploymentSettings(deployment, version, auth, maxStreamEventBytes, api);
    }

    public AzureDeploymentSettings withMaxStreamEventBytes(int bytes) {
        return new AzureDeploymentSettings(deployment, apiVersion, auth, bytes, api);
    }

    public AzureDeploymentSettings withApi(Api surface) {
        return new AzureDeploymentSettings(deployment, apiVersion, auth, maxStreamEventBytes, surface);
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

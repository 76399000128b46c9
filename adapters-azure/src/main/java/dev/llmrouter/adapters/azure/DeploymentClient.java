package dev.llmrouter.adapters.azure;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.OpenAIServiceVersion;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The SDK client of one deployment, built once and reused for every call to it.
 *
 * <p>The adapter builds the HTTP pipeline itself and hands it to the SDK's client builder, so that
 * the protocol methods (non-streaming calls) and the raw streaming POST share one pipeline: the same
 * authentication policy (the SDK's bearer-token policy for Entra ID, an {@code api-key} policy for
 * keys), the same {@code api-version}, and no retry policy at all — the router, not the SDK, owns
 * retries (Requirement 2.7). A pipeline the adapter builds cannot retry: only {@code RetryPolicy}
 * re-sends, and it is absent. (A zero-retry {@code RetryPolicy} would also send once, but it logs
 * "Retry attempts have been exhausted" at INFO on every call, which cost measurable latency.)
 *
 * <p>The pipeline holds only what the router needs, each policy run on every call: a user agent
 * naming the router, a client request id (the caller's, set per call, or a fresh one), the
 * configured {@code api-version}, authentication, and the attempt's W3C {@code traceparent}
 * ({@link TraceContextPolicy}, from the call's context). (No general headers-from-context policy: the
 * adapter sets its other headers on the request itself.)
 */
final class DeploymentClient {

    final AzureDeploymentSettings settings;
    final HttpPipeline pipeline;
    /** The same policies less {@code api-version}, which Azure's v1 path does not take. */
    final HttpPipeline v1Pipeline;
    final OpenAIClient client;
    final String chatUrl;
    final String completionsUrl;
    final String embeddingsUrl;
    final String v1ChatUrl;
    final String v1CompletionsUrl;
    final String v1EmbeddingsUrl;
    final String v1ResponsesUrl;

    DeploymentClient(AzureDeploymentSettings settings, HttpClient httpClient) {
        this.settings = settings;
        HttpPipelinePolicy auth = authPolicy(settings.auth());
        List<HttpPipelinePolicy> policies = new ArrayList<>();
        policies.add(new UserAgentPolicy("llm-router"));
        policies.add(new RequestIdPolicy());
        policies.add(new ApiVersionPolicy(settings.apiVersion()));
        policies.add(auth);
        policies.add(new TraceContextPolicy());
        this.pipeline = new HttpPipelineBuilder()
                .httpClient(httpClient)
                .policies(policies.toArray(HttpPipelinePolicy[]::new))
                .build();
        this.v1Pipeline = new HttpPipelineBuilder()
                .httpClient(httpClient)
                .policies(new UserAgentPolicy("llm-router"), new RequestIdPolicy(), auth, new TraceContextPolicy())
                .build();
        this.client = new OpenAIClientBuilder()
                .pipeline(pipeline)
                .endpoint(settings.endpointBase())
                // The enum lags the service; ApiVersionPolicy sends the configured version.
                .serviceVersion(OpenAIServiceVersion.V2024_06_01)
                .buildClient();
        String base = settings.endpointBase() + "/openai/deployments/"
                + URLEncoder.encode(settings.deployment().azureDeploymentName(), StandardCharsets.UTF_8).replace("+", "%20");
        String query = "?api-version=" + URLEncoder.encode(settings.apiVersion(), StandardCharsets.UTF_8);
        this.chatUrl = base + "/chat/completions" + query;
        this.completionsUrl = base + "/completions" + query;
        this.embeddingsUrl = base + "/embeddings" + query;
        String v1 = settings.endpointBase() + "/openai/v1";
        this.v1ChatUrl = v1 + "/chat/completions";
        this.v1CompletionsUrl = v1 + "/completions";
        this.v1EmbeddingsUrl = v1 + "/embeddings";
        this.v1ResponsesUrl = v1 + "/responses";
    }

    private static HttpPipelinePolicy authPolicy(AzureAuth auth) {
        if (auth instanceof AzureAuth.ApiKey key) {
            return new ApiKeyPolicy(key.secret());
        }
        TokenCredential credential;
        if (auth instanceof AzureAuth.Credential c) {
            credential = c.credential();
        } else {
            AzureAuth.EntraId entra = (AzureAuth.EntraId) auth;
            credential = entra.managedIdentityClientId()
                    .<TokenCredential>map(id -> new ManagedIdentityCredentialBuilder().clientId(id).build())
                    .orElseGet(() -> new DefaultAzureCredentialBuilder().build());
        }
        return new BearerTokenAuthenticationPolicy(credential, AzureAuth.COGNITIVE_SERVICES_SCOPE);
    }
}

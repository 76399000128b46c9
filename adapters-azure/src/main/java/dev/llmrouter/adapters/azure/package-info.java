/**
 * The outbound chat port ({@link dev.llmrouter.ports.chat.ChatEndpoint}) on Azure OpenAI, through the
 * official {@code azure-ai-openai} SDK and {@code azure-identity} (Requirement 2).
 *
 * <p>Public API, for the application that wires it from configuration:
 * <ul>
 *   <li>{@link dev.llmrouter.adapters.azure.AzureDeploymentSettings}: one per deployment — the domain
 *       {@code Deployment} (endpoint, Azure deployment name), the {@code api-version} (default
 *       {@value dev.llmrouter.adapters.azure.AzureDeploymentSettings#DEFAULT_API_VERSION}) and an
 *       {@link dev.llmrouter.adapters.azure.AzureAuth}: {@code ApiKey(secret)} (the application resolves
 *       the secret from the environment or a secret store), {@code EntraId(Optional clientId)}
 *       (managed identity, or {@code DefaultAzureCredential}), or {@code Credential(TokenCredential)};
 *   <li>{@link dev.llmrouter.adapters.azure.AzureOpenAiEndpoint}: the {@code ChatEndpoint}, built once
 *       from all settings; one SDK client per deployment;
 *   <li>{@link dev.llmrouter.adapters.azure.TokenizerEstimator}: the {@code PromptTokenEstimator}, with
 *       jtokkit.
 * </ul>
 *
 * <p>Everything else is package-private. Transport: OkHttp under azure-core by default
 * ({@link dev.llmrouter.adapters.azure.AzureOpenAiEndpoint#defaultHttpClient()}). Logging note, for an
 * application that passes azure-core's JDK transport instead: it logs a warning for every request
 * because {@code Content-Length} is a header the JDK sets itself; set the logger
 * {@code com.azure.core.http.jdk.httpclient.JdkHttpClient} to {@code ERROR}.
 */
package dev.llmrouter.adapters.azure;

package dev.llmrouter.adapters.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.adapters.azure.AzureFixtures.CHAT_REPLY;
import static dev.llmrouter.adapters.azure.AzureFixtures.call;
import static dev.llmrouter.adapters.azure.AzureFixtures.delta;
import static dev.llmrouter.adapters.azure.AzureFixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Requirement 2.1: authentication chosen per deployment. Entra ID goes through the SDK's real
 * bearer-token policy over HTTPS (WireMock's self-signed certificate trusted by the test's client);
 * a key never travels over plain HTTP to anything but this machine.
 */
@DisplayName("Requirement 2.1: API key and Entra ID authentication")
class AuthenticationTest {

    static final String PATH = "/openai/deployments/gpt-4o-prod/chat/completions";
    static WireMockServer https;

    @BeforeAll
    static void start() {
        https = new WireMockServer(options().dynamicPort().dynamicHttpsPort());
        https.start();
    }

    @AfterAll
    static void stop() {
        https.stop();
    }

    /** Records the scopes asked for and hands out a fixed token, as a managed identity would. */
    static final class RecordingCredential implements TokenCredential {
        final List<String> scopes = new CopyOnWriteArrayList<>();

        @Override
        public Mono<AccessToken> getToken(com.azure.core.credential.TokenRequestContext request) {
            scopes.addAll(request.getScopes());
            return Mono.just(new AccessToken("entra-token-123", OffsetDateTime.now().plusHours(1)));
        }
    }

    @Test
    void entra_id_sends_a_bearer_token_for_the_cognitive_services_scope() throws Exception {
        assertEntraTokenSent(trustingClient());
    }

    @Test
    void entra_id_over_https_on_the_default_okhttp_transport() throws Exception {
        // the default transport (OkHttp), trusting WireMock's self-signed certificate
        SSLContext ssl = SSLContext.getInstance("TLS");
        TrustAll trustAll = new TrustAll();
        ssl.init(null, new TrustManager[] {trustAll}, new SecureRandom());
        assertEntraTokenSent(AzureOpenAiEndpoint.okHttpClient(new okhttp3.OkHttpClient.Builder()
                .sslSocketFactory(ssl.getSocketFactory(), trustAll).hostnameVerifier((host, session) -> true)));
    }

    /** A plain call and a stream over https with an Entra ID credential carry its token and no key. */
    private static void assertEntraTokenSent(com.azure.core.http.HttpClient transport) {
        // given
        https.resetAll();
        https.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody(CHAT_REPLY)));
        https.stubFor(post(urlPathEqualTo(PATH))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("\"stream\":true"))
                .willReturn(aResponse().withStatus(200).withBody(sse(delta("hi"), "[DONE]"))));
        RecordingCredential credential = new RecordingCredential();
        Deployment d = AzureFixtures.deployment("entra", "https://localhost:" + https.httpsPort(), "gpt-4o-prod");
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(
                List.of(new AzureDeploymentSettings(d, null, new AzureAuth.Credential(credential))),
                transport, InstantSource.system(), new TokenizerEstimator());
        ChatRequest request = AzureFixtures.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        // when
        endpoint.complete(call(d, request));
        try (ChatStream stream = endpoint.openStream(call(d, request.streaming(true)))) {
            assertThat(stream.next()).isPresent();
        }

        // then
        https.verify(2, postRequestedFor(urlPathEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer entra-token-123"))
                .withHeader("api-key", absent())
                .withQueryParam("api-version", equalTo("2024-10-21")));
        assertThat(credential.scopes).isNotEmpty().containsOnly("https://cognitiveservices.azure.com/.default");
    }

    @Test
    void a_key_is_never_configured_for_plain_http_off_this_machine() {
        Deployment remote = AzureFixtures.deployment("remote", "http://contoso-eus.openai.azure.com", "gpt-4o");
        Deployment privateIp = AzureFixtures.deployment("lan", "http://10.0.0.7:8080", "gpt-4o");

        assertThatThrownBy(() -> AzureDeploymentSettings.apiKey(remote, "secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http");
        assertThatThrownBy(() -> AzureDeploymentSettings.apiKey(privateIp, "secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain http");
        assertThatThrownBy(() -> AzureDeploymentSettings.entraId(
                        AzureFixtures.deployment("local", "http://localhost:1234", "gpt-4o")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
        // loopback test doubles and https are fine
        AzureDeploymentSettings.apiKey(AzureFixtures.deployment("l", "http://127.0.0.1:8080", "gpt-4o"), "k");
        AzureDeploymentSettings.apiKey(AzureFixtures.deployment("l6", "http://[::1]:8080", "gpt-4o"), "k");
        AzureDeploymentSettings.apiKey(AzureFixtures.deployment("s", "https://contoso.openai.azure.com", "gpt-4o"), "k");
        assertThat(new AzureAuth.ApiKey("secret")).hasToString("ApiKey[****]");
    }

    @Test
    void the_key_policy_itself_refuses_plain_http_to_another_host() {
        List<HttpRequest> sent = new CopyOnWriteArrayList<>();
        var pipeline = new HttpPipelineBuilder()
                .httpClient(request -> {
                    sent.add(request);
                    return Mono.empty();
                })
                .policies(new ApiKeyPolicy("secret"))
                .build();

        assertThatThrownBy(() -> pipeline.send(new HttpRequest(HttpMethod.POST, "http://example.com/openai")).block())
                .hasMessageContaining("plain http");
        assertThat(sent).isEmpty();
    }

    @Test
    void entra_id_settings_build_their_credentials_without_calling_out() {
        Deployment d = AzureFixtures.deployment("eus", "https://contoso-eus.openai.azure.com", "gpt-4o");
        Deployment w = AzureFixtures.deployment("weu", "https://contoso-weu.openai.azure.com", "gpt-4o");

        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(List.of(
                AzureDeploymentSettings.entraId(d),
                new AzureDeploymentSettings(w, "2024-06-01", AzureAuth.EntraId.managedIdentity("client-id-1"))));

        assertThat(endpoint.deployments()).extracting(Object::toString).containsExactlyInAnyOrder("eus", "weu");
    }

    @Test
    void loopback_is_decided_without_dns() {
        assertThat(Loopback.isLoopbackHost("localhost")).isTrue();
        assertThat(Loopback.isLoopbackHost("127.0.0.1")).isTrue();
        assertThat(Loopback.isLoopbackHost("127.8.9.10")).isTrue();
        assertThat(Loopback.isLoopbackHost("[::1]")).isTrue();
        assertThat(Loopback.isLoopbackHost("localhost.evil.com")).isFalse();
        assertThat(Loopback.isLoopbackHost("10.0.0.1")).isFalse();
        assertThat(Loopback.isLoopbackHost("contoso.openai.azure.com")).isFalse();
    }

    /** A client that trusts the test server's self-signed certificate (test only). */
    static com.azure.core.http.HttpClient trustingClient() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        return new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(ssl)).build();
    }

    static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}

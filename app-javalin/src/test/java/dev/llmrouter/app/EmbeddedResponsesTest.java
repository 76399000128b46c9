package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2 on the embedded default serves the Responses API with nothing configured. Its
 * simulated deployments answer plain and streamed Responses calls, which the official openai-java client
 * reads, on {@code /v1/responses} and, in the client's Azure v1 mode, on Azure's
 * {@code /openai/v1/responses}; a continuation of a response goes to the deployment that answered it.
 */
@DisplayName("Requirement 8.2 — the embedded default answers the Responses API")
class EmbeddedResponsesTest {

    Gateway gateway;
    OpenAIClient openAi;
    OpenAIClient azureV1;

    @BeforeEach
    void start() {
        gateway = Gateway.build(GatewayTest.embedded(), GatewayTest.testOptions()).start(0);
        openAi = client(gateway.baseUri() + "/v1");
        // openai-java's own Azure v1 mode: its api-key header, no api-version, the deployment in model
        azureV1 = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUri().toString().replaceAll("/$", "") + "/openai/v1/")
                .azureUrlPathMode(AzureUrlPathMode.UNIFIED).credential(AzureApiKeyCredential.create(DemoKeys.ENTERPRISE))
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    static OpenAIClient client(String base) {
        return OpenAIOkHttpClient.builder().baseUrl(base).apiKey(DemoKeys.ENTERPRISE).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        openAi.close();
        azureV1.close();
        gateway.close();
    }

    @Test
    void a_plain_response_on_both_paths() {
        Response viaOpenAi = openAi.responses().create(ResponseCreateParams.builder().model("standard")
                .input("Hello, responses!").build());
        Response viaAzure = azureV1.responses().create(ResponseCreateParams.builder().model("gpt-4o")
                .instructions("Be brief.").input("Hello, Azure!").build());

        assertThat(viaOpenAi.id()).startsWith("resp_");
        assertThat(viaOpenAi.output().get(0).asMessage().content().get(0).asOutputText().text()).contains("Hello, responses!");
        assertThat(viaOpenAi.usage().get().outputTokens()).isPositive();
        assertThat(viaAzure.model().asChat().asString()).isEqualTo("gpt-4o");
        assertThat(viaAzure.output().get(0).asMessage().content().get(0).asOutputText().text()).contains("Hello, Azure!");
    }

    @Test
    void a_streamed_response_reaches_the_client_and_its_continuation_stays_on_its_deployment() {
        StringBuilder text = new StringBuilder();
        AtomicReference<String> id = new AtomicReference<>();
        try (StreamResponse<ResponseStreamEvent> stream = openAi.responses().createStreaming(
                ResponseCreateParams.builder().model("economy").input("Stream me").build())) {
            stream.stream().forEach(e -> {
                e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                e.completed().ifPresent(c -> id.set(c.response().id()));
            });
        }

        assertThat(text.toString()).contains("Stream me");
        assertThat(id.get()).startsWith("resp_");
        var first = openAi.responses().withRawResponse().create(ResponseCreateParams.builder().model("economy")
                .input("again").previousResponseId(id.get()).build());
        var second = openAi.responses().withRawResponse().create(ResponseCreateParams.builder().model("economy")
                .input("and again").previousResponseId(first.parse().id()).build());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.headers().values("x-router-deployment")).isEqualTo(first.headers().values("x-router-deployment"));
    }
}

package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.models.EmbeddingItem;
import com.azure.ai.openai.models.Embeddings;
import com.azure.ai.openai.models.EmbeddingsOptions;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RetryOptions;
import java.time.Duration;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.1 with the Azure SDK ({@code azure-ai-openai}) as the caller, over a real socket against
 * the embedded default: its embeddings call names the embedding model in the path
 * ({@code /openai/deployments/{name}/embeddings}) and asks for base64 vectors, which the gateway passes
 * through and the SDK decodes into the same unit vectors for the same text.
 */
@DisplayName("Requirement 8.1: the Azure SDK's embeddings call against the embedded default")
class AzureSdkEmbeddingsTest {

    static Gateway gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        var config = GatewayTest.embedded();
        gateway = Gateway.build(config.withServer(config.server().withPort(0)), GatewayTest.testOptions()).start();
        // The SDK sends no key over http://; the loopback gateway gets it from a pipeline policy.
        HttpPipelinePolicy apiKey = (context, next) -> {
            context.getHttpRequest().setHeader(HttpHeaderName.fromString("api-key"), DemoKeys.ENTERPRISE);
            return next.process();
        };
        client = new OpenAIClientBuilder().endpoint(gateway.baseUri().toString().replaceAll("/$", "")).addPolicy(apiKey)
                .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1)))).buildClient();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void vectors_of_the_requested_dimensions_decoded_from_base64_and_the_same_for_the_same_text() {
        EmbeddingsOptions options = new EmbeddingsOptions(List.of("The food was delicious", "The waiter was kind"))
                .setDimensions(32);

        Embeddings first = client.getEmbeddings(OpenAiClientModesTest.EMBEDDING_MODEL, options);
        Embeddings again = client.getEmbeddings(OpenAiClientModesTest.EMBEDDING_MODEL,
                new EmbeddingsOptions(List.of("The food was delicious")).setDimensions(32));

        assertThat(first.getData()).hasSize(2);
        assertThat(first.getData()).allSatisfy(item -> {
            assertThat(item.getEmbedding()).hasSize(32);
            double norm = item.getEmbedding().stream().mapToDouble(x -> x * x).sum();
            assertThat(norm).isCloseTo(1.0, Offset.offset(1e-4));
        });
        assertThat(first.getData().get(1).getPromptIndex()).isEqualTo(1);
        assertThat(first.getData().get(0).getEmbedding()).isNotEqualTo(first.getData().get(1).getEmbedding());
        List<Float> same = again.getData().get(0).getEmbedding();
        assertThat(same).isEqualTo(first.getData().stream().map(EmbeddingItem::getEmbedding).toList().get(0));
        assertThat(first.getUsage().getPromptTokens()).isPositive();
        assertThat(first.getUsage().getTotalTokens()).isEqualTo(first.getUsage().getPromptTokens());
    }
}

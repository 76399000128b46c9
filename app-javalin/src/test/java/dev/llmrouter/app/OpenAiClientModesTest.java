package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.ports.usage.UsageQueryUseCase.GroupBy;
import dev.llmrouter.ports.usage.UsageQueryUseCase.Line;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 8.1, 8.3 and 3.5: the official openai-java client, in plain OpenAI mode (base URL
 * {@code /v1}), in its Azure v1 mode (base URL {@code /openai/v1/}, {@code api-key} credential) and in
 * its Azure classic mode (the resource root, then {@code /openai/deployments/{model}/...?api-version=}), calls chat, embeddings
 * and the model list over a real socket against the gateway started on the embedded default, with
 * nothing configured: the simulated embedding deployment answers deterministic unit vectors of the
 * requested dimensions (also as base64), and every embeddings call is metered at the embedding model's
 * input price.
 */
@DisplayName("Requirements 8.1/8.3/3.5: openai-java in OpenAI, Azure v1 and Azure classic modes against the embedded default")
class OpenAiClientModesTest {

    static final String EMBEDDING_MODEL = "text-embedding-3-small";
    static Gateway gateway;
    static OpenAIClient openAi;
    static OpenAIClient azureV1;
    static OpenAIClient azureClassic;

    @BeforeAll
    static void start() {
        var config = GatewayTest.embedded();
        gateway = Gateway.build(config.withServer(config.server().withPort(0)), GatewayTest.testOptions()).start();
        String base = gateway.baseUri().toString().replaceAll("/$", "");
        openAi = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey(DemoKeys.ENTERPRISE).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
        azureV1 = OpenAIOkHttpClient.builder().baseUrl(base + "/openai/v1/").azureUrlPathMode(AzureUrlPathMode.UNIFIED)
                .credential(AzureApiKeyCredential.create(DemoKeys.ENTERPRISE)).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
        azureClassic = OpenAIOkHttpClient.builder().baseUrl(base).azureUrlPathMode(AzureUrlPathMode.LEGACY)
                .credential(AzureApiKeyCredential.create(DemoKeys.ENTERPRISE)).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stop() {
        openAi.close();
        azureV1.close();
        azureClassic.close();
        gateway.close();
    }

    static Map<String, OpenAIClient> clients() {
        return Map.of("openai", openAi, "azure-v1", azureV1, "azure-classic", azureClassic);
    }

    @Test
    void chat_in_every_mode() {
        clients().forEach((mode, client) -> {
            ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("Hello from " + mode).build());

            assertThat(completion.choices().get(0).message().content()).as(mode).hasValueSatisfying(
                    text -> assertThat(text).contains("Hello from " + mode, "gpt-4o-mini"));
            assertThat(completion.usage().orElseThrow().promptTokens()).as(mode).isPositive();
        });
    }

    @Test
    void embeddings_in_every_mode_are_vectors_of_the_requested_dimensions_the_same_for_the_same_text() {
        Map<String, List<List<Float>>> vectors = clients().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> {
            CreateEmbeddingResponse response = e.getValue().embeddings().create(EmbeddingCreateParams.builder()
                    .model(EMBEDDING_MODEL).inputOfArrayOfStrings(List.of("The food was delicious", "The waiter was kind"))
                    .dimensions(64).encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
            assertThat(response.data()).as(e.getKey()).hasSize(2);
            assertThat(response.data().get(1).index()).isEqualTo(1);
            assertThat(response.usage().promptTokens()).isPositive();
            assertThat(response.usage().totalTokens()).isEqualTo(response.usage().promptTokens());
            return response.data().stream().map(d -> d.embedding()).toList();
        }));

        List<List<Float>> first = vectors.get("openai");
        assertThat(first).allSatisfy(v -> {
            assertThat(v).hasSize(64);
            double norm = v.stream().mapToDouble(x -> x * x).sum();
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        });
        assertThat(first.get(0)).isNotEqualTo(first.get(1));
        assertThat(vectors.get("azure-v1")).isEqualTo(first);
        assertThat(vectors.get("azure-classic")).isEqualTo(first);
    }

    @Test
    void base64_vectors_decode_to_the_float_ones() {
        EmbeddingCreateParams.Builder params = EmbeddingCreateParams.builder().model(EMBEDDING_MODEL)
                .input("Base64 please").dimensions(32);
        List<Float> floats = azureV1.embeddings().create(params.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .build()).data().get(0).embedding();
        List<Float> decoded = azureV1.embeddings().create(params.encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                .build()).data().get(0).embedding();

        assertThat(decoded).hasSize(32).isEqualTo(floats);
    }

    @Test
    void token_array_input_and_a_deployment_named_as_the_model() {
        CreateEmbeddingResponse response = azureV1.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small-westeurope").inputOfArrayOfTokenArrays(List.of(List.of(1L, 2L, 3L), List.of(4L)))
                .build());

        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(0).embedding()).hasSize(1536);
        assertThat(response.usage().promptTokens()).isEqualTo(4);
    }

    @Test
    void the_model_list_in_openai_and_azure_v1_modes_names_the_embedding_model() {
        for (OpenAIClient client : List.of(openAi, azureV1)) {
            List<String> ids = client.models().list().autoPager().stream().map(Model::id).toList();
            assertThat(ids).contains("premium", "gpt-4o-mini", EMBEDDING_MODEL);
            assertThat(client.models().retrieve(EMBEDDING_MODEL).id()).isEqualTo(EMBEDDING_MODEL);
        }
    }

    @Test
    void every_embeddings_call_is_metered_at_the_models_input_price() {
        // The free demo account: no other test of this class calls with it, so its records are this test's.
        String base = gateway.baseUri().toString().replaceAll("/$", "");
        List<OpenAIClient> free = List.of(
                OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey(DemoKeys.FREE).maxRetries(0).build(),
                OpenAIOkHttpClient.builder().baseUrl(base + "/openai/v1/").azureUrlPathMode(AzureUrlPathMode.UNIFIED)
                        .credential(AzureApiKeyCredential.create(DemoKeys.FREE)).maxRetries(0).build());
        for (OpenAIClient client : free) {
            client.embeddings().create(EmbeddingCreateParams.builder().model(EMBEDDING_MODEL)
                    .inputOfArrayOfTokens(List.of(10L, 20L, 30L, 40L, 50L)).build());
            client.close();
        }

        Line line = gateway.usage().usage("demo-free", Instant.EPOCH, Instant.now().plusSeconds(60), GroupBy.MODEL)
                .lines().stream().filter(l -> l.key().equals(EMBEDDING_MODEL)).findFirst().orElseThrow();
        assertThat(line.requests()).isEqualTo(2);
        assertThat(line.inputTokens()).isEqualTo(10);
        assertThat(line.outputTokens()).isZero();
        // $0.02 per 1M input tokens, exactly
        assertThat(line.cost()).isEqualTo(Money.ofUsd("0.0000002"));
    }
}

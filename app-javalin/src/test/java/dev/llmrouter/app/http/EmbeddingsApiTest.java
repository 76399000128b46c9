package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.ChatCommand;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requirements 8.1 and 8.3 at the HTTP edge, over a real socket: the embeddings routes (OpenAI's and
 * Azure's classic path) and Azure's v1 paths reach the router with the caller's bytes and the right
 * operation; {@code dimensions} and {@code encoding_format} pass through; an embeddings request has
 * no output cap and no stream; and bad input (missing input, wrong types, an empty array, mixed
 * forms) gets OpenAI's error shape naming the field, never a 500.
 */
@DisplayName("Requirements 8.1/8.3: embeddings and Azure v1 routes at the HTTP edge")
class EmbeddingsApiTest {

    static final FakeRouter ROUTER = new FakeRouter();
    @RegisterExtension
    static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);

    static HttpResponse<String> post(String path, String body) {
        return gateway.get().post(path, body, "Authorization", bearer(ENTERPRISE_KEY), "Content-Type", "application/json");
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("a string", "{\"model\":\"text-embedding-3-small\",\"input\":\"The food was delicious\"}"),
                Arguments.of("strings", "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b c\"],\"dimensions\":256}"),
                Arguments.of("token ids", "{\"model\":\"text-embedding-3-small\",\"input\":[1,2,3],\"encoding_format\":\"base64\"}"),
                Arguments.of("token arrays", "{\"model\":\"text-embedding-3-small\",\"input\":[[1,2],[3]],\"encoding_format\":\"float\"}"));
    }

    @ParameterizedTest(name = "input as {0}")
    @MethodSource("accepted")
    void every_input_form_reaches_the_router_unchanged_as_an_embeddings_request(String form, String body) {
        HttpResponse<String> response = post("/v1/embeddings", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        ChatCommand command = ROUTER.last();
        assertThat(command.request().operation()).isEqualTo(ChatOperation.EMBEDDINGS);
        assertThat(new String(command.request().body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(command.requested()).isEqualTo("text-embedding-3-small");
        assertThat(command.request().stream()).isFalse();
        assertThat(command.request().maxOutputTokens()).isZero();
        assertThat(command.request().index().isRead()).isTrue();
    }

    @Test
    void the_azure_classic_path_names_the_model_and_ignores_the_api_version() {
        HttpResponse<String> response = post("/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
                "{\"input\":\"hello\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ROUTER.last().requested()).isEqualTo("text-embedding-3-small");
        assertThat(ROUTER.last().request().operation()).isEqualTo(ChatOperation.EMBEDDINGS);
    }

    @Test
    void the_v1_paths_take_the_model_from_the_body_whatever_the_api_version() {
        HttpResponse<String> chat = post("/openai/v1/chat/completions?api-version=preview",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(ROUTER.last().requested()).isEqualTo("gpt-4o");
        assertThat(ROUTER.last().request().operation()).isEqualTo(ChatOperation.CHAT);

        HttpResponse<String> embeddings = post("/openai/v1/embeddings", "{\"model\":\"economy\",\"input\":\"hello\"}");
        assertThat(embeddings.statusCode()).isEqualTo(200);
        assertThat(ROUTER.last().requested()).isEqualTo("economy");
        assertThat(ROUTER.last().request().operation()).isEqualTo(ChatOperation.EMBEDDINGS);

        HttpResponse<String> models = gateway.get().get("/openai/v1/models?api-version=2025-04-01-preview",
                "api-key", ENTERPRISE_KEY);
        assertThat(models.statusCode()).isEqualTo(200);
        JsonNode list = ChatCompletionsApiTest.json(models.body());
        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data").findValuesAsText("id")).contains("premium", "gpt-4o", "text-embedding-3-small");
        assertThat(gateway.get().get("/openai/v1/models/gpt-4o", "api-key", ENTERPRISE_KEY).statusCode()).isEqualTo(200);

        HttpResponse<String> badModel = post("/openai/v1/embeddings", "{\"model\":7,\"input\":\"hello\"}");
        assertThat(badModel.statusCode()).isEqualTo(400);
        assertThat(ChatCompletionsApiTest.json(badModel.body()).at("/error/param").asText()).isEqualTo("model");
    }

    @Test
    void the_v1_paths_need_a_key_like_every_other() {
        assertThat(gateway.get().post("/openai/v1/embeddings", "{\"input\":\"x\"}").statusCode()).isEqualTo(401);
        assertThat(gateway.get().get("/openai/v1/models").statusCode()).isEqualTo(401);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("{\"model\":\"text-embedding-3-small\"}", "input", "missing_required_parameter"),
                Arguments.of("{\"input\":null}", "input", "missing_required_parameter"),
                Arguments.of("{\"input\":42}", "input", "invalid_type"),
                Arguments.of("{\"input\":{\"text\":\"a\"}}", "input", "invalid_type"),
                Arguments.of("{\"input\":true}", "input", "invalid_type"),
                Arguments.of("{\"input\":[]}", "input", "empty_array"),
                Arguments.of("{\"input\":\"\"}", "input", "invalid_value"),
                Arguments.of("{\"input\":[\"a\",\"\"]}", "input[1]", "invalid_type"),
                Arguments.of("{\"input\":[\"a\",7]}", "input[1]", "invalid_type"),
                Arguments.of("{\"input\":[1,\"a\"]}", "input[1]", "invalid_type"),
                Arguments.of("{\"input\":[[1,2],[3,\"x\"]]}", "input[1][1]", "invalid_type"),
                Arguments.of("{\"input\":[[1],[]]}", "input[1]", "invalid_type"),
                Arguments.of("{\"input\":[null]}", "input[0]", "invalid_type"),
                Arguments.of("{\"input\":[1.5]}", "input[0]", "invalid_type"),
                Arguments.of("{\"input\":\"a\",\"dimensions\":0}", "dimensions", "invalid_value"),
                Arguments.of("{\"input\":\"a\",\"dimensions\":\"256\"}", "dimensions", "invalid_value"),
                Arguments.of("{\"input\":\"a\",\"encoding_format\":\"int8\"}", "encoding_format", "invalid_value"),
                Arguments.of("{\"input\":\"a\",\"encoding_format\":1}", "encoding_format", "invalid_value"),
                Arguments.of("[\"a\"]", null, "invalid_json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void bad_input_gets_openais_error_shape_naming_the_field(String body, String param, String code) {
        for (String path : new String[] {"/v1/embeddings", "/openai/v1/embeddings",
                "/openai/deployments/text-embedding-3-small/embeddings"}) {
            HttpResponse<String> response = post(path, body);

            assertThat(response.statusCode()).as("%s %s", path, response.body()).isEqualTo(400);
            JsonNode error = ChatCompletionsApiTest.json(response.body()).get("error");
            assertThat(error.fieldNames()).toIterable().contains("message", "type", "param", "code");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("code").asText()).isEqualTo(code);
            if (param != null) {
                assertThat(error.path("param").asText()).isEqualTo(param);
            }
            assertThat(response.body()).doesNotContain("Exception");
        }
        assertThat(ROUTER.commands).isEmpty();
    }
}

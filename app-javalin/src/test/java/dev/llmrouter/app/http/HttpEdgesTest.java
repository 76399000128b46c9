package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.Fakes.OPERATOR_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirements 9.1 and 9.5 at the edges of the HTTP API, over a real socket: every method of every
 * protected route authenticates; an error message echoes a bounded part of what the caller sent;
 * a body with overlong or out-of-range UTF-8 is refused as invalid UTF-8.
 */
@DisplayName("Requirements 9.1, 9.5 — HTTP edges")
class HttpEdgesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final FakeRouter ROUTER = new FakeRouter();
    @RegisterExtension
    static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);

    static final List<String> PROTECTED = List.of("/admin/deployments", "/v1/usage", "/v1/models", "/v1/models/gpt-4o",
            "/v1/chat/completions", "/v1/completions", "/openai/deployments/premium/chat/completions");

    @Test
    void every_method_of_every_protected_route_needs_a_key() {
        for (String path : PROTECTED) {
            for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")) {
                HttpResponse<String> response = gateway.get().send(HttpRequest.newBuilder(URI.create(gateway.get().base() + path))
                        .method(method, HttpRequest.BodyPublishers.noBody()));
                assertThat(response.statusCode()).as(method + " " + path).isEqualTo(401);
            }
        }
    }

    @Test
    void head_with_a_key_answers_like_get_without_a_body() {
        HttpResponse<String> models = gateway.get().send(HttpRequest.newBuilder(URI.create(gateway.get().base() + "/v1/models"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", bearer(ENTERPRISE_KEY)));
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).isEmpty();

        HttpResponse<String> admin = gateway.get().send(HttpRequest.newBuilder(URI.create(gateway.get().base() + "/admin/deployments"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", bearer(ENTERPRISE_KEY)));
        assertThat(admin.statusCode()).isEqualTo(403);
        HttpResponse<String> operator = gateway.get().send(HttpRequest.newBuilder(URI.create(gateway.get().base() + "/admin/deployments"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", bearer(OPERATOR_KEY)));
        assertThat(operator.statusCode()).isEqualTo(200);
    }

    @Test
    void probes_and_metrics_stay_open() {
        for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
            assertThat(gateway.get().get(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void an_error_message_echoes_a_bounded_part_of_a_huge_model_name() throws Exception {
        // given the router's refusal, which names the model as sent
        ROUTER.answers(new ChatOutcome.Refused(Refusal.of(Refusal.Reason.UNKNOWN_MODEL,
                "'" + "m".repeat(100_000) + "' is neither a tier nor a model of the catalog"), RateLimitStatus.UNLIMITED));
        String body = "{\"model\":\"" + "m".repeat(100_000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        HttpResponse<String> response = gateway.get().post("/v1/chat/completions", body,
                "Authorization", bearer(ENTERPRISE_KEY), "Content-Type", "application/json");

        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body().length()).isLessThan(1_000);
        assertThat(error.path("message").asText()).startsWith("'mmmm").contains("more characters cut]");
    }

    @Test
    void an_error_message_echoes_a_bounded_part_of_a_long_path_segment() throws Exception {
        String segment = "s".repeat(6_000);
        for (String path : List.of("/v1/models/" + segment, "/v1/" + segment, "/" + segment)) {
            HttpResponse<String> response = gateway.get().get(path, "Authorization", bearer(ENTERPRISE_KEY));

            assertThat(response.statusCode()).as(path.substring(0, 12)).isEqualTo(404);
            assertThat(response.body().length()).as(path.substring(0, 12)).isLessThan(1_000);
        }
    }

    @Test
    void a_body_with_overlong_or_out_of_range_utf8_is_refused_as_invalid_utf8() throws Exception {
        byte[][] sequences = {
            {(byte) 0xC0, (byte) 0xAF},                           // overlong '/'
            {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},              // overlong '/', three bytes
            {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}, // overlong '/', four bytes
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // U+110000
            {(byte) 0xF7, (byte) 0xBF, (byte) 0xBF, (byte) 0xBF}, // far above U+10FFFF
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},              // a surrogate
        };
        for (byte[] sequence : sequences) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"a".getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(sequence);
            body.writeBytes("b\"}]}".getBytes(StandardCharsets.US_ASCII));

            HttpResponse<String> response = gateway.get().postBytes("/v1/chat/completions", body.toByteArray(),
                    "Authorization", bearer(ENTERPRISE_KEY), "Content-Type", "application/json");

            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("invalid_json");
            assertThat(error.path("message").asText()).contains("not valid UTF-8").contains("at byte 40");
        }
        assertThat(ROUTER.commands).isEmpty();
    }

    @Test
    void the_largest_code_points_of_each_length_are_accepted() {
        String text = "\u007f\u07ff\uffff\udbff\udfff"; // U+007F, U+07FF, U+FFFF, U+10FFFF
        HttpResponse<String> response = gateway.get().postBytes("/v1/chat/completions",
                ("{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}").getBytes(StandardCharsets.UTF_8),
                "Authorization", bearer(ENTERPRISE_KEY), "Content-Type", "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
    }
}

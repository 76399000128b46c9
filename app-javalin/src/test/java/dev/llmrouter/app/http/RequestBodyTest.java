package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 3.1: the caller's body reaches the router byte for byte, whether it comes with a
 * Content-Length or chunked (no length, and larger than the reader's first buffer), and a chunked body
 * of exactly the limit is accepted.
 */
@DisplayName("Requirement 3.1: request bodies arrive intact, declared or chunked")
class RequestBodyTest {

    private static final int MAX_BODY = 64 * 1024;

    @Test
    void declared_and_chunked_bodies_reach_the_router_unchanged() throws Exception {
        FakeRouter router = new FakeRouter();
        try (TestGateway gateway = TestGateway.withFakes(router, new Fakes.Usage(), MAX_BODY)) {
            byte[] body = chat("é".repeat(6_000)).getBytes(StandardCharsets.UTF_8);

            HttpResponse<String> declared = gateway.http.send(request(gateway, HttpRequest.BodyPublishers.ofByteArray(body)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(declared.statusCode()).isEqualTo(200);
            assertThat(router.last().request().body()).isEqualTo(body);

            HttpResponse<String> chunked = gateway.http.send(request(gateway, HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(body))), HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).isEqualTo(200);
            assertThat(router.last().request().body()).isEqualTo(body);
        }
    }

    @Test
    void a_chunked_body_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not() throws Exception {
        FakeRouter router = new FakeRouter();
        try (TestGateway gateway = TestGateway.withFakes(router, new Fakes.Usage(), MAX_BODY)) {
            String prefix = chat("");
            String padded = chat("x".repeat(MAX_BODY - prefix.length()));
            byte[] exact = padded.getBytes(StandardCharsets.UTF_8);
            assertThat(exact).hasSize(MAX_BODY);

            HttpResponse<String> atLimit = gateway.http.send(request(gateway, HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(exact))), HttpResponse.BodyHandlers.ofString());
            assertThat(atLimit.statusCode()).isEqualTo(200);
            assertThat(router.last().request().body()).isEqualTo(exact);

            byte[] over = chat("x".repeat(MAX_BODY - prefix.length() + 1)).getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> overLimit = gateway.http.send(request(gateway, HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(over))), HttpResponse.BodyHandlers.ofString());
            assertThat(overLimit.statusCode()).isEqualTo(413);
        }
    }

    private static String chat(String content) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    private static HttpRequest request(TestGateway gateway, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create(gateway.base() + "/v1/chat/completions"))
                .header("Authorization", bearer(ENTERPRISE_KEY))
                .header("Content-Type", "application/json")
                .POST(body).build();
    }
}

package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requirement 9.1: the creator and operation a caller sends (headers or body) reach the router as the
 * UTF-8 text sent, or are refused with 400 naming where they came from when they are not valid UTF-8,
 * too long or not printable; a request id that is not safe to echo is replaced, never refused.
 */
@DisplayName("Requirement 9.1 — caller text is bounded, valid UTF-8 and printable")
class CallerTextTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final FakeRouter ROUTER = new FakeRouter();
    @RegisterExtension
    static final TestGateway.PerClass gateway = TestGateway.perClass(ROUTER);

    static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @Test
    void a_utf8_creator_header_arrives_as_sent() {
        String answer = rawChat(header("x-router-creator", "Zoë Ångström 名前".getBytes(StandardCharsets.UTF_8)), CHAT);

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(ROUTER.last().caller().creator()).isEqualTo("Zoë Ångström 名前");
    }

    @Test
    void a_utf8_operation_header_arrives_as_sent() {
        String answer = rawChat(header("x-router-operation", "résumé/été".getBytes(StandardCharsets.UTF_8)), CHAT);

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(ROUTER.last().caller().operation()).isEqualTo("résumé/été");
    }

    @Test
    void invalid_utf8_in_a_header_is_refused_naming_the_header() throws Exception {
        byte[][] invalid = {
            {(byte) 0xC3},                                        // truncated sequence
            {(byte) 0xC0, (byte) 0xAF},                           // overlong '/'
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},              // a surrogate
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {'a', (byte) 0xE9, 'b'},                              // ISO-8859-1 'é'
        };
        for (String name : new String[] {"x-router-creator", "x-router-operation"}) {
            for (byte[] value : invalid) {
                JsonNode error = error(rawChat(header(name, value), CHAT), 400);
                assertThat(error.path("param").asText()).isEqualTo(name);
                assertThat(error.path("code").asText()).isEqualTo("invalid_encoding");
            }
        }
        assertThat(ROUTER.commands).isEmpty();
    }

    @Test
    void an_overlong_creator_is_refused_and_one_at_the_bound_is_accepted() throws Exception {
        String atBound = "é".repeat(CallerText.MAX_BYTES / 2);        // 256 bytes of UTF-8
        assertThat(rawChat(header("x-router-creator", atBound.getBytes(StandardCharsets.UTF_8)), CHAT)).startsWith("HTTP/1.1 200");
        assertThat(ROUTER.last().caller().creator()).isEqualTo(atBound);

        JsonNode error = error(rawChat(header("x-router-creator", (atBound + "x").getBytes(StandardCharsets.UTF_8)), CHAT), 400);
        assertThat(error.path("param").asText()).isEqualTo("x-router-creator");
        assertThat(error.path("code").asText()).isEqualTo("value_too_long");
        assertThat(error.path("message").asText()).contains("257 bytes").contains("at most 256");
    }

    @Test
    void body_user_and_metadata_operation_are_bounded_and_printable() throws Exception {
        String longUser = "u".repeat(CallerText.MAX_BYTES + 1);
        String[][] cases = {
            {"{\"user\":\"" + longUser + "\"," + CHAT.substring(1), "user", "value_too_long"},
            {"{\"user\":\"a\\u0000b\"," + CHAT.substring(1), "user", "invalid_value"},
            {"{\"user\":\"line\\nbreak\"," + CHAT.substring(1), "user", "invalid_value"},
            {"{\"user\":\"\\ud800\"," + CHAT.substring(1), "user", "invalid_encoding"},
            {"{\"metadata\":{\"operation\":\"op\\u001b[31m\"}," + CHAT.substring(1), "metadata.operation", "invalid_value"},
            {"{\"metadata\":{\"operation\":\"" + "o".repeat(300) + "\"}," + CHAT.substring(1), "metadata.operation", "value_too_long"},
        };
        for (String[] c : cases) {
            HttpResponse<String> response = gateway.get().post("/v1/chat/completions", c[0],
                    "Authorization", bearer(ENTERPRISE_KEY), "Content-Type", "application/json");
            JsonNode error = error(response.statusCode(), response.body(), 400);
            assertThat(error.path("param").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(error.path("code").asText()).as(c[0]).isEqualTo(c[2]);
        }
        assertThat(ROUTER.commands).isEmpty();

        HttpResponse<String> ok = gateway.get().post("/v1/chat/completions",
                "{\"user\":\"  Zoë \",\"metadata\":{\"operation\":\"résumé\"}," + CHAT.substring(1),
                "Authorization", bearer(ENTERPRISE_KEY), "Content-Type", "application/json");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ROUTER.last().caller().creator()).isEqualTo("Zoë");
        assertThat(ROUTER.last().caller().operation()).isEqualTo("résumé");
    }

    @Test
    void a_request_id_that_is_not_safe_to_echo_is_replaced_by_a_fresh_one() {
        for (byte[] id : new byte[][] {"r".repeat(6_000).getBytes(StandardCharsets.US_ASCII),
                "名前".getBytes(StandardCharsets.UTF_8), "two words".getBytes(StandardCharsets.US_ASCII)}) {
            String answer = rawChat(header("x-request-id", id), CHAT);

            assertThat(answer).startsWith("HTTP/1.1 200");
            String echoed = answer.lines().filter(l -> l.regionMatches(true, 0, "x-request-id:", 0, 13))
                    .findFirst().orElseThrow().substring(13).trim();
            assertThat(echoed).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(ROUTER.last().requestId()).isEqualTo(echoed);
        }
    }

    private static byte[] header(String name, byte[] value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((name + ": ").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(value);
        b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** A chat over a raw socket, with one extra header line given as bytes. */
    private static String rawChat(byte[] headerLine, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: " + bearer(ENTERPRISE_KEY)
                + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(headerLine);
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(bytes);
        return gateway.get().raw(request.toByteArray());
    }

    private static JsonNode error(String rawAnswer, int status) throws Exception {
        int code = Integer.parseInt(rawAnswer.substring(9, 12));
        String body = new String(rawAnswer.substring(rawAnswer.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8);
        return error(code, body, status);
    }

    private static JsonNode error(int actualStatus, String body, int status) throws Exception {
        assertThat(actualStatus).as(body).isEqualTo(status);
        return JSON.readTree(body).path("error");
    }
}

package dev.llmrouter.app.http;

import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.Fakes.PRO_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Requirement 3.3, the bad-input suite: whatever a caller sends — broken JSON, wrong types, huge or
 * non-UTF-8 bodies, no key, another account's data, unknown models and routes, malformed HTTP — gets its
 * documented status and an OpenAI-shaped error (naming the field at fault), never a 500 or a stack
 * trace, and the gateway keeps serving: a valid request after each one still works.
 */
@DisplayName("Requirement 3.3: bad input gets its documented error and the service keeps serving")
class BadInputTest {

    static final long MAX_BODY = 64 * 1024;
    static final FakeRouter ROUTER = new FakeRouter();
    static TestGateway gateway;
    static final String CHAT_PATH = "/v1/chat/completions";
    static final String OK = "{\"model\":\"standard\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    /** One bad request, the status it must get, and the {@code param} (or {@code code}) the error must name. */
    record Case(String name, Supplier<Answer> send, int status, String param, String code) {}

    /** Status and body, from either client. */
    record Answer(int status, String contentType, String body, String requestId) {}

    @BeforeAll
    static void start() {
        // A router that knows the catalog: anything else is refused as an unknown model, as the real one does.
        ROUTER.completes(c -> c.requested() == null || Tier.parse(c.requested()).isPresent()
                || Outcomes.FLEET.catalog().model(c.requested()).isPresent()
                ? Outcomes.served(c)
                : new ChatOutcome.Refused(Refusal.of(Refusal.Reason.UNKNOWN_MODEL,
                        "The model '" + c.requested() + "' does not exist"), Outcomes.LIMITS));
        gateway = TestGateway.withFakes(ROUTER, new Fakes.Usage(), MAX_BODY);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @TestFactory
    Stream<DynamicTest> every_bad_request_gets_its_documented_error() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Answer answer = c.send().get();

            assertThat(answer.status()).as("status, body %s", answer.body()).isEqualTo(c.status());
            assertThat(answer.contentType()).as("content type").startsWith("application/json");
            assertThat(answer.requestId()).as("x-request-id").isNotBlank();
            JsonNode error = ChatCompletionsApiTest.json(answer.body()).get("error");
            assertThat(error).as("OpenAI error shape: %s", answer.body()).isNotNull();
            assertThat(error.fieldNames()).toIterable().contains("message", "type", "param", "code");
            if (c.param() != null) {
                assertThat(error.get("param").asText()).isEqualTo(c.param());
            }
            if (c.code() != null) {
                assertThat(error.get("code").asText()).isEqualTo(c.code());
            }
            assertThat(answer.body()).doesNotContain("Exception", "\tat ", "at io.", "at dev.", ENTERPRISE_KEY);

            // and the service keeps serving
            assertThat(gateway.post(CHAT_PATH, OK, "Authorization", bearer(ENTERPRISE_KEY)).statusCode()).isEqualTo(200);
        }));
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // JSON syntax
        cases.add(chat("truncated JSON", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"", 400, null, "invalid_json"));
        cases.add(chat("malformed JSON", "{messages: [}", 400, null, "invalid_json"));
        cases.add(chat("trailing garbage", OK + " {}", 400, null, "invalid_json"));
        cases.add(chat("duplicated key", "{\"max_tokens\":10,\"max_tokens\":100000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                400, null, "invalid_json"));
        cases.add(chat("a JSON array", "[1,2,3]", 400, null, "invalid_json"));
        cases.add(chat("a JSON string", "\"hello\"", 400, null, "invalid_json"));
        cases.add(chat("empty body", "", 400, null, "invalid_json"));
        cases.add(chat("deep nesting", "[".repeat(5_000) + "]".repeat(5_000), 400, null, "invalid_json"));
        cases.add(bytes("invalid UTF-8 in a string", utf8Broken("{\"messages\":[{\"role\":\"user\",\"content\":\"", "\"}]}"),
                400, null, "invalid_json"));
        cases.add(bytes("invalid UTF-8 start byte", new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}, 400, null, "invalid_json"));
        cases.add(bytes("UTF-16 body", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}".getBytes(StandardCharsets.UTF_16LE),
                400, null, "invalid_json"));
        cases.add(bytes("UTF-16 body with byte-order mark", "{\"messages\":[]}".getBytes(StandardCharsets.UTF_16), 400, null, "invalid_json"));
        // fields
        cases.add(chat("messages missing", "{\"model\":\"standard\"}", 400, "messages", "missing_required_parameter"));
        cases.add(chat("messages not an array", "{\"messages\":\"Hi\"}", 400, "messages", "invalid_type"));
        cases.add(chat("messages empty", "{\"messages\":[]}", 400, "messages", null));
        cases.add(chat("message not an object", "{\"messages\":[\"Hi\"]}", 400, "messages[0]", "invalid_type"));
        cases.add(chat("role missing", "{\"messages\":[{\"content\":\"Hi\"}]}", 400, "messages[0].role", null));
        cases.add(chat("role not a string", "{\"messages\":[{\"role\":5,\"content\":\"Hi\"}]}", 400, "messages[0].role", "invalid_type"));
        cases.add(chat("content a number", "{\"messages\":[{\"role\":\"user\",\"content\":5}]}", 400, "messages[0].content", null));
        cases.add(chat("image part without url", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}}]}]}",
                400, "messages[0].content[0].image_url.url", null));
        cases.add(chat("model not a string", "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "model", "invalid_type"));
        cases.add(chat("model blank", "{\"model\":\" \",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "model", null));
        cases.add(chat("n not a positive integer", "{\"n\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "n", "invalid_value"));
        cases.add(chat("n above the limit", "{\"n\":129,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "n", "invalid_value"));
        cases.add(chat("stream not a boolean", "{\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "stream", "invalid_type"));
        cases.add(chat("stream_options not an object", "{\"stream\":true,\"stream_options\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                400, "stream_options", null));
        cases.add(chat("include_usage not a boolean", "{\"stream\":true,\"stream_options\":{\"include_usage\":1},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                400, "stream_options.include_usage", null));
        cases.add(chat("max_tokens negative", "{\"max_tokens\":-1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "max_tokens", "invalid_value"));
        cases.add(chat("max_tokens beyond int", "{\"max_tokens\":1000000000000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "max_tokens", null));
        cases.add(chat("max_tokens a string", "{\"max_tokens\":\"10\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "max_tokens", null));
        cases.add(chat("max_completion_tokens fractional", "{\"max_completion_tokens\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                400, "max_completion_tokens", null));
        cases.add(chat("user not a string", "{\"user\":{},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 400, "user", null));
        cases.add(chat("metadata.operation not a string", "{\"metadata\":{\"operation\":5},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                400, "metadata.operation", null));
        cases.add(new Case("prompt missing", () -> post("/v1/completions", "{\"model\":\"economy\"}"), 400, "prompt", null));
        cases.add(new Case("prompt a number", () -> post("/v1/completions", "{\"prompt\":5}"), 400, "prompt", "invalid_type"));
        // headers
        cases.add(new Case("unknown residency", () -> post(CHAT_PATH, OK, "x-router-residency", "eu,atlantis"), 400, "x-router-residency", null));
        cases.add(new Case("unknown preferred region", () -> post(CHAT_PATH, OK, "x-router-region", "moonbase"), 400, "x-router-region", null));
        cases.add(new Case("fall-down not a boolean", () -> post(CHAT_PATH, OK, "x-router-fall-down", "maybe"), 400, "x-router-fall-down", null));
        cases.add(new Case("non-UTF-8 charset", () -> post(CHAT_PATH, OK, "Content-Type", "application/json; charset=iso-8859-1"),
                415, null, "unsupported_media_type"));
        cases.add(new Case("non-JSON content type", () -> post(CHAT_PATH, OK, "Content-Type", "text/plain"), 415, null, "unsupported_media_type"));
        // size
        cases.add(new Case("declared body too large", () -> raw("POST " + CHAT_PATH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + ENTERPRISE_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + (MAX_BODY + 1)
                + "\r\nConnection: close\r\n\r\n", new byte[0], false), 413, null, "request_too_large"));
        cases.add(new Case("chunked body too large", () -> chunked(MAX_BODY + 10_000), 413, null, "request_too_large"));
        // A client that streams a too-large body with its Content-Length gets the 413 above before the
        // body is read; over java.net.http the early answer races the client's own write (a broken
        // pipe on its side), so that path is proven on raw sockets (declared and chunked) instead.
        cases.add(new Case("truncated body", () -> raw("POST " + CHAT_PATH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + ENTERPRISE_KEY + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n",
                "{\"messages\":[".getBytes(StandardCharsets.UTF_8), true), 400, null, null));
        // auth and scope
        cases.add(new Case("no key", () -> send(HttpRequest.newBuilder(uri(CHAT_PATH)).POST(HttpRequest.BodyPublishers.ofString(OK))),
                401, null, "invalid_api_key"));
        cases.add(new Case("wrong key", () -> post(CHAT_PATH, OK, "Authorization", "Bearer sk-nobody"), 401, null, "invalid_api_key"));
        cases.add(new Case("basic auth", () -> post(CHAT_PATH, OK, "Authorization", "Basic dXNlcjpwYXNz"), 401, null, null));
        cases.add(new Case("huge key", () -> post(CHAT_PATH, OK, "api-key", "k".repeat(4_000)), 401, null, null));
        cases.add(new Case("another account's usage", () -> get("/v1/usage?account=acct-free", "Authorization", bearer(PRO_KEY)),
                403, null, "other_account"));
        cases.add(new Case("usage without a key", () -> get("/v1/usage"), 401, null, null));
        cases.add(new Case("usage group_by unknown", () -> get("/v1/usage?group_by=colour", "Authorization", bearer(PRO_KEY)), 400, "group_by", null));
        cases.add(new Case("usage from not a date", () -> get("/v1/usage?from=yesterday", "Authorization", bearer(PRO_KEY)), 400, "from", null));
        cases.add(new Case("usage from after to", () -> get("/v1/usage?from=2026-11-20&to=2026-11-01", "Authorization", bearer(PRO_KEY)), 400, "from", null));
        cases.add(new Case("admin without operator key", () -> get("/admin/deployments", "Authorization", bearer(PRO_KEY)), 403, null, "operator_only"));
        cases.add(new Case("admin without any key", () -> get("/admin/deployments"), 401, null, null));
        // models and routes
        cases.add(chat("unknown model", "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", 404, "model", "model_not_found"));
        cases.add(new Case("unknown Azure deployment name", () -> post("/openai/deployments/nope/chat/completions?api-version=2024-10-21", OK),
                404, "model", "model_not_found"));
        cases.add(new Case("model the plan cannot see", () -> get("/v1/models/gpt-4o", "Authorization", bearer(Fakes.FREE_KEY)), 404, null, "model_not_found"));
        cases.add(new Case("unknown route", () -> get("/v1/engines", "Authorization", bearer(ENTERPRISE_KEY)), 404, null, "unknown_url"));
        cases.add(new Case("wrong method", () -> get(CHAT_PATH, "Authorization", bearer(ENTERPRISE_KEY)), 405, null, "method_not_allowed"));
        // malformed HTTP that Jetty rejects before the router sees it
        cases.add(new Case("bad percent-encoding in the path", () -> raw("GET /v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                new byte[0], false), 400, null, null));
        cases.add(new Case("non-numeric content length", () -> raw("POST " + CHAT_PATH + " HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n"
                + "Connection: close\r\n\r\n", new byte[0], false), 400, null, null));
        return cases;
    }

    static Case chat(String name, String body, int status, String param, String code) {
        return new Case(name, () -> post(CHAT_PATH, body), status, param, code);
    }

    static Case bytes(String name, byte[] body, int status, String param, String code) {
        return new Case(name, () -> send(HttpRequest.newBuilder(uri(CHAT_PATH)).header("Authorization", bearer(ENTERPRISE_KEY))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))), status, param, code);
    }

    static byte[] utf8Broken(String before, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'a', (byte) 0xc3, (byte) 0x28, (byte) 0xa0, 'b'});
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static URI uri(String path) {
        return URI.create(gateway.base() + path);
    }

    static Answer post(String path, String body, String... headers) {
        List<String> all = new ArrayList<>(List.of("Authorization", bearer(ENTERPRISE_KEY)));
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization") || headers[i].equalsIgnoreCase("api-key")) {
                all.clear();
            }
            all.add(headers[i]);
            all.add(headers[i + 1]);
        }
        if (all.stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            all.add("Content-Type");
            all.add("application/json");
        }
        return answer(gateway.post(path, body, all.toArray(String[]::new)));
    }

    static Answer get(String path, String... headers) {
        return answer(gateway.get(path, headers));
    }

    static Answer send(HttpRequest.Builder request) {
        return answer(gateway.send(request));
    }

    static Answer answer(HttpResponse<String> r) {
        return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body(),
                r.headers().firstValue("x-request-id").orElse(""));
    }

    static Answer chunked(long size) {
        StringBuilder head = new StringBuilder("POST " + CHAT_PATH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ENTERPRISE_KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = "x".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        for (long sent = 0; sent < size; sent += chunk.length) {
            body.writeBytes(("1000\r\n").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(chunk);
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return raw(head.toString(), body.toByteArray(), false);
    }

    /** Sends raw HTTP/1.1 and parses the answer (Content-Length or chunked). */
    static Answer raw(String head, byte[] body, boolean halfClose) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(body);
        String response = gateway.raw(request.toByteArray(), halfClose);
        int split = response.indexOf("\r\n\r\n");
        assertThat(split).as("an HTTP answer: %s", response).isPositive();
        String[] lines = response.substring(0, split).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String contentType = "";
        String requestId = "";
        boolean chunked = false;
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:")) {
                contentType = line.substring(13).trim();
            }
            if (lower.startsWith("x-request-id:")) {
                requestId = line.substring(13).trim();
            }
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        String rest = response.substring(split + 4);
        return new Answer(status, contentType, chunked ? dechunk(rest) : rest, requestId);
    }

    static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            int size = Integer.parseInt(s.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(s, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}

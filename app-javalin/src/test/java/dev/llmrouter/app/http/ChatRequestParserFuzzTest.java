package dev.llmrouter.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.ports.chat.ChatOperation;
import io.javalin.http.Context;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;

/**
 * Requirement 3.3 and 9.1, fuzzed: whatever bytes a caller sends as a chat or completions body, read as
 * the server reads it ({@link Bodies}, declared or chunked, whole or in small pieces) and parsed by
 * {@link ChatRequestParser} with the gateway's own {@link Json#reader}, the outcome is a parsed request
 * carrying the caller's bytes unchanged, or an {@link ApiError} with a 4xx status and a short body in
 * OpenAI's shape, or a body cut short by the caller (which the HTTP layer answers with 400). Never
 * another exception: anything else would reach the caller as a 500.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the inputs under
 * {@code src/test/resources/dev/llmrouter/app/http/ChatRequestParserFuzzTestInputs/body/}; with
 * {@code -Pfuzz} it searches for new ones (see the README's "Fuzzing").
 */
class ChatRequestParserFuzzTest {

    /** Small, so that the fuzzer's inputs reach the 413 path too. */
    static final long MAX_BODY = 2048;
    /** An error answer quotes no input: its whole body stays short whatever was sent. */
    static final int MAX_ERROR_BYTES = 1024;

    private static final ChatRequestParser PARSER = new ChatRequestParser(Json.reader(MAX_BODY));
    private static final ObjectMapper READ_BACK = new ObjectMapper();

    @FuzzTest
    void body(byte[] input) {
        // Declared length, read at once: the common case.
        readAndParse(input, input.length, input.length);
        // Chunked, arriving a few bytes at a time.
        readAndParse(input, -1, 1 + input.length % 7);
        // A declared length the caller never completes: an EOF the HTTP layer answers with 400, or 413 first.
        try {
            byte[] body = Bodies.read(context(input, input.length + 1L, input.length), MAX_BODY, BodyReadLimits.DEFAULT);
            throw new AssertionError("a body one byte short was read whole: " + body.length + " bytes");
        } catch (ApiError.ApiException e) {
            assertThat(e.error().status()).isEqualTo(413);
            assertThat(input.length + 1L).isGreaterThan(MAX_BODY);
        } catch (UncheckedIOException e) {
            assertThat(e.getCause()).isInstanceOf(EOFException.class);
        }
    }

    private static void readAndParse(byte[] input, long declared, int readSize) {
        byte[] body;
        try {
            body = Bodies.read(context(input, declared, readSize), MAX_BODY, BodyReadLimits.DEFAULT);
        } catch (ApiError.ApiException e) {
            assertThat(e.error().status()).isEqualTo(413);
            assertThat(input.length).isGreaterThan((int) MAX_BODY);
            return;
        }
        assertThat(body).isEqualTo(input);
        for (ChatOperation operation : ChatOperation.values()) {
            parse(operation, body, null);
        }
        parse(ChatOperation.CHAT, body, "premium");
    }

    private static void parse(ChatOperation operation, byte[] body, String pathModel) {
        try {
            ChatRequestParser.Parsed parsed = PARSER.parse(operation, body, pathModel);
            assertThat(parsed.request().body()).isSameAs(body);
            assertThat(parsed.request().operation()).isEqualTo(operation);
            assertThat(parsed.request().maxOutputTokens()).isNotNegative();
            assertThat(parsed.request().imageCount()).isNotNegative();
            assertThat(parsed.request().choices()).isBetween(1, ChatRequestParser.MAX_CHOICES);
            if (pathModel != null) {
                assertThat(parsed.model()).isEqualTo(pathModel);
            }
        } catch (ApiError.ApiException e) {
            ApiError error = e.error();
            assertThat(error.status()).isBetween(400, 499);
            byte[] json = error.toJson();
            assertThat(json.length).isLessThan(MAX_ERROR_BYTES);
            JsonNode answer = readBack(json);
            assertThat(answer.path("error").path("message").isTextual()).isTrue();
            assertThat(answer.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        }
    }

    private static JsonNode readBack(byte[] json) {
        try {
            return READ_BACK.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("the error answer is not JSON", e);
        }
    }

    /** A request whose body is {@code input}, with a declared length ({@code -1}: chunked), read in pieces. */
    private static Context context(byte[] input, long declared, int readSize) {
        ServletInputStream in = new ServletInputStream() {
            private int at;

            @Override
            public int read() {
                return at < input.length ? input[at++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (at >= input.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, readSize), input.length - at);
                System.arraycopy(input, at, b, off, n);
                at += n;
                return n;
            }

            @Override
            public boolean isFinished() {
                return at >= input.length;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getContentLengthLong" -> declared;
                    case "getInputStream" -> in;
                    // not a Jetty request: the body deadline finds no connection to arm
                    case "getAttribute" -> null;
                    case "toString" -> "fuzzed request";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("req")) {
                        return request;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}

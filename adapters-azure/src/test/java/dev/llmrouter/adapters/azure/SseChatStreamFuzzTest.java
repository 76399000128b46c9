package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Requirement 2.3 and 2.5, fuzzed: whatever bytes a deployment's event stream holds, and however they
 * are split across reads (all at once, or one byte at a time), {@link SseChatStream} hands on chunks and
 * then ends at {@code [DONE]} or with a classified failure ({@link EndpointException} with its
 * {@code Failure}, raised by the parser itself and not a stray exception caught on the way), and its
 * usage stays readable and non-negative. A stream with more events than bytes would be a loop: the
 * number of chunks is bounded by the input.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the inputs under
 * {@code src/test/resources/dev/llmrouter/adapters/azure/SseChatStreamFuzzTestInputs/events/}; with
 * {@code -Pfuzz} it searches for new ones (see the README's "Fuzzing").
 */
class SseChatStreamFuzzTest {

    private static final FailureClassifier CLASSIFIER = new FailureClassifier(InstantSource.system());
    private static final long PROMPT_TOKENS = 7;

    @FuzzTest
    void events(byte[] input) {
        consume(input, Integer.MAX_VALUE);
        consume(input, 1);
    }

    private static void consume(byte[] input, int readSize) {
        SseChatStream stream = new SseChatStream(new FixedResponse(input, readSize), InFlightCall.open(),
                Duration.ofSeconds(30), CLASSIFIER, TokenEncoding.O200K_BASE, () -> PROMPT_TOKENS);
        try {
            int chunks = 0;
            while (true) {
                Optional<StreamChunk> chunk;
                try {
                    chunk = stream.next();
                } catch (EndpointException e) {
                    assertThat(e.failure()).isNotNull();
                    // A cause means something other than the parser's own verdict was thrown and caught.
                    assertThat(e.getCause()).as("a classified failure, not a caught %s", e.getCause()).isNull();
                    assertThatFailureRepeats(stream, e);
                    break;
                }
                if (chunk.isEmpty()) {
                    assertThat(stream.next()).isEmpty();
                    break;
                }
                chunks++;
                assertThat(chunks).isLessThanOrEqualTo(input.length);
                assertThat(chunk.get().data()).isNotNull();
            }
            TokenUsage usage = stream.usage();
            assertThat(usage.inputTokens()).isNotNegative();
            assertThat(usage.outputTokens()).isNotNegative();
        } finally {
            stream.close();
        }
    }

    private static void assertThatFailureRepeats(SseChatStream stream, EndpointException first) {
        try {
            stream.next();
            throw new AssertionError("a failed stream answered again");
        } catch (EndpointException again) {
            assertThat(again).isSameAs(first);
        }
    }

    /** A 200 answer whose body is {@code body}, read at most {@code readSize} bytes at a time. */
    private static final class FixedResponse extends HttpResponse {
        private final byte[] body;
        private final int readSize;

        FixedResponse(byte[] body, int readSize) {
            super(new HttpRequest(HttpMethod.POST, "http://localhost/openai/deployments/d/chat/completions"));
            this.body = body;
            this.readSize = readSize;
        }

        @Override
        public BinaryData getBodyAsBinaryData() {
            InputStream in = new ByteArrayInputStream(body) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, readSize));
                }
            };
            return BinaryData.fromStream(in);
        }

        @Override
        public int getStatusCode() {
            return 200;
        }

        @Override
        public String getHeaderValue(String name) {
            return null;
        }

        @Override
        public HttpHeaders getHeaders() {
            return new HttpHeaders();
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return Flux.just(ByteBuffer.wrap(body));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just(new String(body, charset));
        }
    }
}

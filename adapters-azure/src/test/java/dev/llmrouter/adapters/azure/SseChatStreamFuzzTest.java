package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Requirement 2.3 and 2.5, fuzzed: whatever bytes a deployment's event stream holds, however they are
 * split across reads (all at once, one byte at a time, seven at a time) and whether or not a line or an
 * event passes the parser's bound (the default one, and a small one that short inputs reach),
 * {@link SseChatStream} hands on chunks and then ends at {@code [DONE]} or with a classified failure
 * ({@link EndpointException} with its {@code Failure}, raised by the parser itself and not a stray
 * exception caught on the way), and its usage stays readable and non-negative. A stream with more
 * events than bytes would be a loop: the number of chunks is bounded by the input.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the inputs under
 * {@code src/test/resources/dev/llmrouter/adapters/azure/SseChatStreamFuzzTestInputs/events/}; with
 * {@code -Pfuzz} it searches for new ones (see the README's "Fuzzing").
 */
class SseChatStreamFuzzTest {

    private static final FailureClassifier CLASSIFIER = new FailureClassifier(InstantSource.system());
    private static final long PROMPT_TOKENS = 7;

    /** Small enough that inputs of a few hundred bytes reach the bound on a line or an event. */
    private static final int SMALL_BOUND = 64;

    @FuzzTest
    void events(byte[] input) {
        consume(input, Integer.MAX_VALUE, AzureDeploymentSettings.DEFAULT_MAX_STREAM_EVENT_BYTES);
        consume(input, 1, AzureDeploymentSettings.DEFAULT_MAX_STREAM_EVENT_BYTES);
        consume(input, 7, SMALL_BOUND);
    }

    private static void consume(byte[] input, int readSize, int maxEventBytes) {
        SseChatStream stream = new SseChatStream(StreamBodyResponse.of(input, readSize), InFlightCall.open(),
                Duration.ofSeconds(30), CLASSIFIER, TokenEncoding.O200K_BASE, () -> PROMPT_TOKENS, maxEventBytes);
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
}

package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import java.util.Arrays;

/**
 * Property 27 and Requirement 9.2, fuzzed: whatever body a caller sends (valid JSON of any shape or
 * not JSON at all), the estimator answers for every encoding and operation without an exception, with
 * {@code 0 <= expectedTokens <= maxTokens}: for the body as {@link ChatBodyReader} indexed it (when it
 * is a JSON object) and for the body unindexed.
 *
 * <p>Inputs are kept to a few kilobytes: this looks for crashes and broken bounds, not for cost, which
 * the estimator's benchmark measures. Without {@code JAZZER_FUZZ} this replays the inputs under
 * {@code src/test/resources/dev/llmrouter/adapters/azure/TokenizerEstimatorFuzzTestInputs/body/}; with
 * {@code -Pfuzz} it searches for new ones (see the README's "Fuzzing").
 */
class TokenizerEstimatorFuzzTest {

    static final int MAX_INPUT = 8 * 1024;

    private static final TokenizerEstimator ESTIMATOR = new TokenizerEstimator();
    /** Bodies reach the estimator as the gateway's one parse indexed them. */
    private static final ChatBodyReader READER = new ChatBodyReader(MAX_INPUT);

    @FuzzTest
    void body(byte[] input) {
        byte[] body = input.length > MAX_INPUT ? Arrays.copyOf(input, MAX_INPUT) : input;
        int images = body.length % 3; // as the parser counted them, or not
        for (ChatOperation operation : ChatOperation.values()) {
            ChatRequest read;
            try {
                read = READER.request(operation, body);
            } catch (IllegalArgumentException notAnObject) {
                read = null;
            }
            for (TokenEncoding encoding : TokenEncoding.values()) {
                if (read != null) {
                    assertBounds(ESTIMATOR.estimate(read, encoding));
                }
                // Without the index (a request built by hand): the fallback by length.
                assertBounds(ESTIMATOR.estimate(new ChatRequest(operation, body, false, false, 0, images), encoding));
            }
        }
    }

    private static void assertBounds(PromptEstimate estimate) {
        assertThat(estimate.expectedTokens()).isNotNegative();
        assertThat(estimate.maxTokens()).isGreaterThanOrEqualTo(estimate.expectedTokens());
    }
}

package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.1: an embeddings request's prompt is its input texts, counted with the model's
 * tokenizer and nothing else (no chat framing, no reply priming, and the other members of the body
 * are not prompt); a token-array input counts exactly its length; the maximum stays a true upper bound.
 */
@DisplayName("Requirement 8.1: the prompt estimate of an embeddings request")
class EmbeddingsEstimateTest {

    static final TokenEncoding ENC = TokenEncoding.CL100K_BASE;
    final TokenizerEstimator estimator = new TokenizerEstimator();

    static ChatRequest embeddings(String json) {
        return AzureFixtures.READER.request(ChatOperation.EMBEDDINGS, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_string_input_counts_its_tokens_only() {
        PromptEstimate estimate = estimator.estimate(embeddings(
                "{\"model\":\"text-embedding-3-small\",\"input\":\"The food was delicious and the waiter was kind.\","
                        + "\"dimensions\":256,\"encoding_format\":\"base64\",\"user\":\"some user text\"}"), ENC);

        assertThat(estimate.expectedTokens()).isEqualTo(Tokenizers.count(ENC, "The food was delicious and the waiter was kind."));
    }

    @Test
    void an_array_of_strings_counts_each_text() {
        PromptEstimate estimate = estimator.estimate(embeddings("{\"input\":[\"first text\",\"second, longer text\",\"é\\n\"]}"), ENC);

        assertThat(estimate.expectedTokens()).isEqualTo(Tokenizers.count(ENC, "first text")
                + Tokenizers.count(ENC, "second, longer text") + Tokenizers.count(ENC, "é\n"));
    }

    @Test
    void token_arrays_count_exactly_their_length() {
        assertThat(estimator.estimate(embeddings("{\"input\":[1,2,3,100257]}"), ENC).expectedTokens()).isEqualTo(4);
        assertThat(estimator.estimate(embeddings("{\"input\":[[1,2],[3],[4,5,6]]}"), ENC).expectedTokens()).isEqualTo(6);
    }

    @Test
    void token_arrays_of_any_shape_count_their_length_and_stay_under_the_bound() {
        qt().forAll(lists().of(lists().of(integers().between(0, 200_000)).ofSizeBetween(1, 40)).ofSizeBetween(1, 30))
                .checkAssert(arrays -> {
                    String input = arrays.stream()
                            .map(a -> a.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")))
                            .collect(Collectors.joining(",", "[", "]"));
                    ChatRequest request = embeddings("{\"model\":\"m\",\"input\":" + input + "}");
                    PromptEstimate estimate = estimator.estimate(request, ENC);
                    long length = arrays.stream().mapToLong(List::size).sum();

                    assertThat(estimate.expectedTokens()).isEqualTo(length);
                    assertThat(estimate.maxTokens()).isGreaterThanOrEqualTo(length).isLessThanOrEqualTo(request.body().length);
                });
    }

    @Test
    void the_bound_holds_for_any_texts() {
        qt().forAll(lists().of(strings().allPossible().ofLengthBetween(1, 60)).ofSizeBetween(1, 8)).checkAssert(texts -> {
            String input = texts.stream().map(JsonText::write).collect(Collectors.joining(",", "[", "]"));
            PromptEstimate estimate = estimator.estimate(embeddings("{\"input\":" + input + "}"), ENC);
            long exact = texts.stream().mapToLong(t -> Tokenizers.count(ENC, Tokenizers.wellFormed(t))).sum();

            assertThat(estimate.expectedTokens()).isEqualTo(exact);
            assertThat(estimate.maxTokens()).isGreaterThanOrEqualTo(exact);
        });
    }
}

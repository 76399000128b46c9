package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 2.6: a prompt's tokens estimated before the call with the model's real tokenizer,
 * checked against published counts, and a maximum that is a true upper bound.
 */
@DisplayName("Requirement 2.6: prompt token estimate")
class TokenizerEstimatorTest {

    final TokenizerEstimator estimator = new TokenizerEstimator();

    /** The OpenAI cookbook's "How to count tokens with tiktoken" sample conversation. */
    static final String COOKBOOK = """
            {"model":"gpt-4","messages":[
            {"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
            {"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
            {"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
            {"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
            {"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
            {"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}]}""";

    @Test
    void preloading_returns_the_same_estimator_with_its_counts_unchanged() {
        TokenizerEstimator preloaded = estimator.preload(java.util.EnumSet.allOf(TokenEncoding.class));

        assertThat(preloaded).isSameAs(estimator);
        assertThat(Tokenizers.count(TokenEncoding.CL100K_BASE, "tiktoken is great!")).isEqualTo(6);
    }

    /** A fuzz finding: JSON may carry an unpaired surrogate, which the UTF-8 tokenizers cannot take as it is. */
    @Test
    void an_unpaired_surrogate_is_counted_as_a_replacement_character() {
        String lone = "{\"messages\":[{\"role\":\"user\",\"content\":\"a\\ud800b\\udc00\"}]}";

        for (TokenEncoding encoding : TokenEncoding.values()) {
            PromptEstimate estimate = estimator.estimate(AzureFixtures.chat(lone), encoding);
            PromptEstimate replaced = estimator.estimate(AzureFixtures.chat(
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"a\uFFFDb\uFFFD\"}]}"), encoding);
            assertThat(estimate.expectedTokens()).isEqualTo(replaced.expectedTokens());
            assertThat(estimate.maxTokens()).isGreaterThanOrEqualTo(estimate.expectedTokens());
        }
        assertThat(Tokenizers.wellFormed("x\ud83d\ude00y")).isEqualTo("x\ud83d\ude00y");
        assertThat(Tokenizers.wellFormed("\ude00\ud83d")).isEqualTo("\uFFFD\uFFFD");
    }

    @Test
    void tiktoken_documented_text_counts() {
        // tiktoken's README: "hello world" is [15339, 1917] in cl100k_base
        assertThat(Tokenizers.count(TokenEncoding.CL100K_BASE, "hello world")).isEqualTo(2);
        assertThat(Tokenizers.count(TokenEncoding.O200K_BASE, "hello world")).isEqualTo(2);
        // the cookbook: "tiktoken is great!" is 6 tokens in cl100k_base
        assertThat(Tokenizers.count(TokenEncoding.CL100K_BASE, "tiktoken is great!")).isEqualTo(6);
    }

    @Test
    void the_cookbook_conversation_counts_as_the_api_reports() {
        // the cookbook prints 129 prompt tokens for gpt-4 / gpt-3.5-turbo-0613 (cl100k_base) and the API agrees
        PromptEstimate cl100k = estimator.estimate(AzureFixtures.chat(COOKBOOK), TokenEncoding.CL100K_BASE);
        assertThat(cl100k.expectedTokens()).isEqualTo(129);
        // and 124 for gpt-4o / gpt-4o-mini (o200k_base)
        assertThat(estimator.estimate(AzureFixtures.chat(COOKBOOK), TokenEncoding.O200K_BASE).expectedTokens()).isEqualTo(124);
        assertThat(cl100k.maxTokens()).isGreaterThanOrEqualTo(cl100k.expectedTokens());
    }

    @Test
    void image_tiles_follow_the_published_rule() {
        // OpenAI's vision guide: 1024x1024 high -> 765; 2048x4096 high -> 1105; any low -> 85
        assertThat(TokenizerEstimator.tileTokens(1024, 1024)).isEqualTo(765);
        assertThat(TokenizerEstimator.tileTokens(2048, 4096)).isEqualTo(1105);
        assertThat(TokenizerEstimator.tileTokens(4096, 8192)).isEqualTo(1105);
        assertThat(TokenizerEstimator.tileTokens(512, 512)).isEqualTo(255);
        assertThat(TokenizerEstimator.imageTokens("https://example.com/a.png", "low")).isEqualTo(85);
        assertThat(TokenizerEstimator.imageTokens("https://example.com/a.png", "high")).isEqualTo(1445);
        assertThat(TokenizerEstimator.imageTokens("https://example.com/a.png", null)).isEqualTo(1445);
    }

    @Test
    void a_base64_image_is_charged_by_its_real_size() throws Exception {
        String dataUrl = pngDataUrl(1024, 1024);
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hello world\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + dataUrl + "\",\"detail\":\"high\"}}]}]}";

        PromptEstimate e = estimator.estimate(AzureFixtures.chat(body).withImageCount(1), TokenEncoding.O200K_BASE);

        // 3 (message) + 1 ("user") + 2 ("hello world") + 765 (1024x1024, 4 tiles) + 3 (reply priming)
        assertThat(e.expectedTokens()).isEqualTo(3 + 1 + 2 + 765 + 3);
        assertThat(e.maxTokens()).isGreaterThanOrEqualTo(e.expectedTokens());
    }

    @Test
    void text_completion_counts_the_prompt() {
        ChatRequest r = AzureFixtures.completion("{\"prompt\":\"hello world\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(estimator.estimate(r, TokenEncoding.CL100K_BASE).expectedTokens()).isEqualTo(2);
    }

    @Test
    void the_maximum_bounds_the_tokenizer_count_for_any_text() {
        // Property: for any message text (any code points) and image count, max >= expected (the count)
        // (code points below the surrogate range: a lone surrogate is not text and has no UTF-8 form)
        qt().withExamples(100).forAll(strings().betweenCodePoints(0x20, 0xD7FF).ofLengthBetween(0, 200),
                        integers().between(0, 3))
                .checkAssert((text, images) -> {
                    StringBuilder parts = new StringBuilder("[{\"type\":\"text\",\"text\":" + jsonString(text) + "}");
                    for (int i = 0; i < images; i++) {
                        parts.append(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/").append(i).append("\"}}");
                    }
                    parts.append(']');
                    String body = "{\"messages\":[{\"role\":\"user\",\"content\":" + parts + "},{\"role\":\"assistant\","
                            + "\"content\":" + jsonString(text) + "}]}";
                    for (TokenEncoding enc : TokenEncoding.values()) {
                        PromptEstimate e = estimator.estimate(AzureFixtures.chat(body).withImageCount(images), enc);
                        long textTokens = 2L * Tokenizers.count(enc, text);
                        assertThat(e.expectedTokens()).isGreaterThanOrEqualTo(textTokens);
                        assertThat(e.maxTokens()).isGreaterThanOrEqualTo(e.expectedTokens())
                                .isGreaterThanOrEqualTo(textTokens + 1445L * images);
                    }
                });
    }

    @Test
    void an_unreadable_body_still_gets_a_byte_bound() {
        PromptEstimate e = estimator.estimate(ChatRequest.chat("{not json"), TokenEncoding.O200K_BASE);
        assertThat(e.maxTokens()).isEqualTo(9);
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String pngDataUrl(int w, int h) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY), "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }
}

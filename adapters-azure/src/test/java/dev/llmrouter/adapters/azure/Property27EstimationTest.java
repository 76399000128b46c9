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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Property 27 (Requirement 9.2): the estimate's {@code maxTokens} is never below the true token count
 * of the prompt, whatever its shape, and the tokenizer work per estimate is bounded: no segment longer
 * than {@link TokenTally#SEGMENT_CHARS} (one more to keep a surrogate pair whole), no more than the
 * budget (and that one character) in all, whatever the body's size.
 */
@DisplayName("Property 27: the estimate bounds the true count, and its work is bounded")
class Property27EstimationTest {

    /** Text shapes: ordinary words, one repeated character, random code points, base64. */
    static Gen<String> shapes() {
        Gen<String> words = integers().between(0, 3_000).zip(integers().all(), (n, seed) -> words(n, seed));
        Gen<String> repeated = Generate.pick(List.of("a", " ", "!", "1", "é", "\n", "日", "😀"))
                .zip(integers().between(0, 12_000), String::repeat);
        // Above the basic plane the generator may leave half of a surrogate pair, which is not text:
        // a round trip through UTF-8 replaces it, as a JSON body could only carry it as an escape.
        Gen<String> unicode = strings().betweenCodePoints(0x20, 0xD7FF).ofLengthBetween(0, 3_000)
                .mix(strings().betweenCodePoints(0xE000, 0x10FFFF).ofLengthBetween(0, 1_000)
                        .map(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)), 30);
        Gen<String> base64 = integers().between(0, 9_000).zip(integers().all(), (n, seed) -> {
            byte[] bytes = new byte[n];
            new Random(seed).nextBytes(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        });
        return words.mix(repeated, 25).mix(unicode, 25).mix(base64, 25);
    }

    static String words(int n, int seed) {
        String[] vocabulary = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "it's", "Über",
            "naïve", "日本語", "42", "3.14", "x=y+1;", "\n", "\n\n", "  ", "\t", "--", "(ok)", "don't", "ÉTÉ", "a"};
        Random random = new Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(vocabulary[random.nextInt(vocabulary.length)]).append(random.nextInt(4) == 0 ? "" : " ");
        }
        return b.toString();
    }

    static int trueCount(TokenEncoding encoding, String text) {
        return Tokenizers.of(encoding).countTokensOrdinary(text);
    }

    @Test
    @DisplayName("chat: maxTokens >= 3 + role + content + 3 counted by the tokenizer on the whole text")
    void chatMaximumBoundsTheTrueCount() {
        // a small budget as well as the default, so that the charged-not-counted path is exercised
        List<TokenizerEstimator> estimators = List.of(new TokenizerEstimator(), new TokenizerEstimator(1_000));
        qt().withExamples(60).forAll(shapes()).checkAssert(text -> {
            String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + TokenizerEstimatorTest.jsonString(text) + "}]}";
            for (TokenEncoding enc : TokenEncoding.values()) {
                long truth = 3 + trueCount(enc, "user") + trueCount(enc, text) + 3;
                for (TokenizerEstimator estimator : estimators) {
                    PromptEstimate e = estimator.estimate(AzureFixtures.chat(body), enc);
                    assertThat(e.maxTokens()).isGreaterThanOrEqualTo(truth).isGreaterThanOrEqualTo(e.expectedTokens());
                }
            }
        });
    }

    @Test
    @DisplayName("text completion: maxTokens >= the prompt's true count")
    void completionMaximumBoundsTheTrueCount() {
        TokenizerEstimator estimator = new TokenizerEstimator(1_000);
        qt().withExamples(40).forAll(shapes()).checkAssert(text -> {
            byte[] body = ("{\"prompt\":" + TokenizerEstimatorTest.jsonString(text) + "}").getBytes(StandardCharsets.UTF_8);
            ChatRequest request = AzureFixtures.completion(body);
            for (TokenEncoding enc : TokenEncoding.values()) {
                assertThat(estimator.estimate(request, enc).maxTokens()).isGreaterThanOrEqualTo(trueCount(enc, text));
            }
        });
    }

    @Test
    @DisplayName("within the budget, text that ends segments at piece boundaries is counted exactly")
    void ordinaryTextIsCountedExactly() {
        // words of any length up to 12 000 characters: many segments, every cut at a piece boundary
        TokenizerEstimator estimator = new TokenizerEstimator();
        qt().withExamples(60).forAll(integers().between(0, 3_000), integers().all()).checkAssert((n, seed) -> {
            String text = words(n, seed);
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":" + TokenizerEstimatorTest.jsonString(text) + "}]}";
            for (TokenEncoding enc : TokenEncoding.values()) {
                assertThat(estimator.estimate(AzureFixtures.chat(body), enc).expectedTokens())
                        .isEqualTo(3 + trueCount(enc, "user") + trueCount(enc, text) + 3);
            }
        });
    }

    @Test
    @DisplayName("no piece of the split spans a boundary the segmenter cuts at")
    void boundariesKeepTheCountExact() {
        // Short segments cut at boundaries only (never by force) add up to the whole text's count.
        Gen<String> texts = strings().betweenCodePoints(0x20, 0x7E).ofLengthBetween(0, 400)
                .zip(integers().all(), (ascii, seed) -> ascii + words(60, seed) + ascii.replace('~', '\n'));
        qt().withExamples(200).forAll(texts, integers().between(2, 40)).checkAssert((text, limit) -> {
            List<String> segments = new ArrayList<>();
            int from = 0;
            while (from < text.length()) {
                int end = TokenTally.segmentEnd(text, from, limit);
                if (end < text.length() && !TokenTally.isPieceBoundary(text, end)) {
                    return; // a forced cut: an estimate, not claimed exact
                }
                segments.add(text.substring(from, end));
                from = end;
            }
            for (TokenEncoding enc : TokenEncoding.values()) {
                long sum = segments.stream().mapToLong(s -> trueCount(enc, s)).sum();
                assertThat(sum).as("segments %s", segments).isEqualTo(trueCount(enc, text));
            }
        });
    }

    /** Records every segment the tokenizer is given. */
    static final class Recording {
        final List<Integer> segmentLengths = new ArrayList<>();

        int count(TokenEncoding encoding, String segment) {
            segmentLengths.add(segment.length());
            return Tokenizers.countSegment(encoding, segment);
        }

        long total() {
            return segmentLengths.stream().mapToLong(Integer::longValue).sum();
        }
    }

    @Test
    @DisplayName("an 8 MB prompt of any shape gets at most the budget of tokenizer work, in bounded segments")
    void workIsBoundedForLargePathologicalPrompts() {
        int size = 8 << 20;
        byte[] random = new byte[size * 3 / 4];
        new Random(27).nextBytes(random);
        List<String> prompts = List.of("a".repeat(size), "!".repeat(size), words(size / 3, 27).substring(0, size),
                Base64.getEncoder().encodeToString(random));
        long budget = TokenizerEstimator.DEFAULT_BUDGET_CHARS;
        for (String prompt : prompts) {
            Recording recording = new Recording();
            TokenizerEstimator estimator = new TokenizerEstimator(budget, recording::count);
            // Escaped as JSON (the words hold tabs and line feeds): the body is one the gateway accepts.
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":" + TokenizerEstimatorTest.jsonString(prompt) + "}]}";

            PromptEstimate e = estimator.estimate(AzureFixtures.chat(body), TokenEncoding.O200K_BASE);

            assertThat(recording.segmentLengths).allSatisfy(n -> assertThat(n).isBetween(1, TokenTally.SEGMENT_CHARS + 1));
            assertThat(recording.total()).isLessThanOrEqualTo(budget + 1);
            // the text beyond the budget is still charged: at least what a token of 8 characters would give
            assertThat(e.expectedTokens()).isGreaterThan(size / 16);
            assertThat(e.maxTokens()).isGreaterThanOrEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    @DisplayName("a large data URL image is sized from its header without decoding the whole of it")
    void aLargeImageIsSizedFromItsHeader() throws Exception {
        // a 1024x1024 noise PNG: megabytes of base64, its size in the first bytes
        BufferedImage image = new BufferedImage(1024, 1024, BufferedImage.TYPE_BYTE_GRAY);
        Random random = new Random(1);
        for (int y = 0; y < 1024; y++) {
            for (int x = 0; x < 1024; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
        assertThat(url.length()).isGreaterThan(TokenizerEstimator.DATA_URL_PREFIX_CHARS * 4);
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\""
                + url + "\",\"detail\":\"high\"}}]}]}";
        Recording recording = new Recording();

        PromptEstimate e = new TokenizerEstimator(TokenizerEstimator.DEFAULT_BUDGET_CHARS, recording::count)
                .estimate(AzureFixtures.chat(body).withImageCount(1), TokenEncoding.O200K_BASE);

        // 3 (message) + 1 ("user") + 765 (1024x1024, 4 tiles) + 3; the image's text is never tokenized
        assertThat(e.expectedTokens()).isEqualTo(3 + 1 + 765 + 3);
        assertThat(recording.total()).isEqualTo(4);
    }
}

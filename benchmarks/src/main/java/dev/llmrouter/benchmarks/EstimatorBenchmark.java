package dev.llmrouter.benchmarks;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.llmrouter.adapters.azure.ChatBodyReader;
import dev.llmrouter.adapters.azure.TokenizerEstimator;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Property 27's cost half: the prompt estimator's time per body byte across prompt shapes and sizes.
 * Flat across sizes is the claim; the time per byte falls beyond the estimator's budget, where text is
 * charged rather than tokenized.
 *
 * <ul>
 *   <li>{@code estimate}: {@link TokenizerEstimator#estimate} of a request whose body was read
 *       (indexed by {@link ChatBodyReader}) beforehand; {@code readAndEstimate}: the read and the
 *       estimate, all the work a prompt costs; both on a one-message chat body of
 *       {@code size} bytes whose content is {@code shape}: {@code text} (words, punctuation, line
 *       breaks), {@code repeated} (one character), {@code random} (random code points of the basic
 *       plane), {@code image} (a short text and a base64 PNG data URL filling the body);</li>
 *   <li>{@code wholeText}: the tokenizer on the whole repeated-character text at once, as estimation
 *       did before segments and a budget (up to 1 MiB: beyond, one call takes many seconds).</li>
 * </ul>
 * Divide the score (µs per operation) by the size for the time per byte.
 *
 * <p>Run: {@code ./mvnw -B -q -DskipTests package &&
 * java -jar benchmarks/target/benchmarks.jar EstimatorBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EstimatorBenchmark {

    @State(Scope.Benchmark)
    public static class Bodies {
        @Param({"text", "repeated", "random", "image"})
        public String shape;

        @Param({"1024", "65536", "1048576", "8388608"})
        public int size;

        final TokenizerEstimator estimator = new TokenizerEstimator();
        final ChatBodyReader reader = new ChatBodyReader(64L << 20);
        byte[] bytes;
        ChatRequest request;

        @Setup
        public void setUp() {
            String prefix = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":";
            String body = switch (shape) {
                case "image" -> prefix + "[{\"type\":\"text\",\"text\":\"What is in this image?\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"detail\":\"high\",\"url\":\""
                        + dataUrl(size - prefix.length() - 120) + "\"}}]}]}";
                default -> prefix + "\"" + content(shape, size - prefix.length() - 5) + "\"}]}";
            };
            bytes = body.getBytes(StandardCharsets.UTF_8);
            // Indexed once, as the gateway reads a body on arrival.
            request = reader.request(ChatOperation.CHAT, bytes).withImageCount(shape.equals("image") ? 1 : 0);
            estimator.preload(java.util.List.of(TokenEncoding.O200K_BASE));
        }
    }

    @State(Scope.Benchmark)
    public static class WholeText {
        @Param({"1024", "65536", "1048576"})
        public int size;

        Encoding encoding;
        String text;

        @Setup
        public void setUp() {
            encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
            text = "a".repeat(size);
        }
    }

    @Benchmark
    public PromptEstimate estimate(Bodies b) {
        return b.estimator.estimate(b.request, TokenEncoding.O200K_BASE);
    }

    /** The body's one parse and then the estimate: all the work a request's prompt costs. */
    @Benchmark
    public PromptEstimate readAndEstimate(Bodies b) {
        return b.estimator.estimate(b.reader.request(ChatOperation.CHAT, b.bytes), TokenEncoding.O200K_BASE);
    }

    @Benchmark
    public int wholeText(WholeText w) {
        return w.encoding.countTokensOrdinary(w.text);
    }

    /** JSON-safe content of about {@code chars} characters (a multi-byte code point counts its bytes). */
    static String content(String shape, int bytes) {
        Random random = new Random(27);
        StringBuilder b = new StringBuilder(bytes);
        switch (shape) {
            case "repeated" -> b.append("a".repeat(bytes));
            case "random" -> {
                int length = 0;
                while (length < bytes) {
                    int cp = 0x20 + random.nextInt(0xD7FF - 0x20);
                    if (cp == '"' || cp == '\\') {
                        continue;
                    }
                    b.appendCodePoint(cp);
                    length += new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                }
            }
            default -> {
                String[] words = {"the", "router", "admits", "a", "request,", "then", "routes", "it;", "42", "tokens",
                    "per", "minute.", "\\n", "Über", "naïve", "(ok)"};
                while (b.length() < bytes) {
                    b.append(words[random.nextInt(words.length)]).append(' ');
                }
                b.setLength(bytes);
                if (b.charAt(b.length() - 1) == '\\') {
                    b.setCharAt(b.length() - 1, ' ');
                }
            }
        }
        return b.toString();
    }

    /** A PNG data URL of about {@code chars} characters: a small image, then a long ancillary chunk of noise. */
    static String dataUrl(int chars) {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(new BufferedImage(1024, 1024, BufferedImage.TYPE_BYTE_BINARY), "png", png);
            byte[] image = png.toByteArray();
            int padding = Math.max(0, chars * 3 / 4 - image.length - 12);
            byte[] noise = new byte[padding];
            new Random(27).nextBytes(noise);
            // A private ancillary chunk ("prVt") before IEND: readers skip it, the URL grows to the size asked.
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(image, 0, image.length - 12);
            out.write(new byte[] {(byte) (padding >>> 24), (byte) (padding >>> 16), (byte) (padding >>> 8), (byte) padding});
            out.write("prVt".getBytes(StandardCharsets.US_ASCII));
            out.write(noise);
            out.write(new byte[4]); // CRC, unchecked by size readers
            out.write(image, image.length - 12, 12);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.llmrouter.adapters.azure;

import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.ports.chat.BodyIndex;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.function.ToIntBiFunction;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Counts a prompt's tokens with the model's real tokenizer (jtokkit), before the call (Requirement 2.6),
 * with work and memory linear in the body and bounded per request (Requirement 9.2).
 *
 * <p><b>Chat format.</b> As OpenAI documents for the GPT-3.5-turbo/GPT-4/GPT-4o chat format: every
 * message costs 3 tokens of framing ({@code <|start|>role<|message|>...<|end|>}) plus the tokens of
 * each of its string fields (role, content, name, ...), a {@code name} one more; the reply is primed
 * with 3 more. Tool definitions and tool calls are counted as the tokens of their JSON text as the
 * caller sent it (OpenAI does not publish their exact framing, so this is an estimate).
 *
 * <p><b>Images</b> (GPT-4o / GPT-4 Turbo class): {@code low} detail costs 85 tokens; {@code high} or
 * {@code auto}: the image is scaled to fit within 2048×2048, then its shortest side to 768 px, and
 * costs 85 + 170 per 512-px tile. Dimensions are read from the header of a base64 data URL (its first
 * {@value #DATA_URL_PREFIX_CHARS} characters: image formats put their size near the start); an image
 * whose size is unknown (a remote URL, a header further in) is charged the most its detail level can
 * cost: 85 for low, 85 + 170 × 8 = 1445 for high/auto (a 2048×768 image is the worst case).
 *
 * <p><b>Bounded work.</b> The body is not parsed again: the request's {@link BodyIndex}, from the one
 * parse of the body ({@link ChatBodyReader}), shows where each text lies, and only the string being
 * counted is decoded, only an image URL's header. A body without an index (built by hand, never by the
 * gateway) is estimated by its length. Texts are tokenized in bounded
 * segments, at most {@code budgetChars} characters per estimate, the rest charged at the rate of what
 * was counted ({@link TokenTally}): a prompt of any shape costs at most the budget of tokenizer work
 * plus one linear pass over its bytes. Work is bounded by this budget rather than cancelled when the
 * caller leaves: the budget bounds an estimate to a fraction of a second of one core.
 *
 * <p><b>The bound.</b> {@link PromptEstimate#maxTokens()} is the body's length in bytes plus the
 * image maxima: a BPE token covers at least one byte, each text counted is in the body at least as
 * long as its UTF-8 form (JSON escapes are longer than what they stand for), and each message's JSON
 * syntax has more bytes than its 3-token framing, so the real count cannot exceed it, however much of
 * the text was tokenized. {@code expectedTokens} is the count: exact for text of ordinary pieces
 * within the budget, an estimate beyond.
 */
public final class TokenizerEstimator implements PromptTokenEstimator {

    static final int TOKENS_PER_MESSAGE = 3;
    static final int TOKENS_PER_NAME = 1;
    static final int REPLY_PRIMING = 3;
    static final int IMAGE_BASE = 85;
    static final int IMAGE_PER_TILE = 170;
    static final int IMAGE_MAX_TILES = 8;

    /**
     * Default characters tokenized per estimate: about 128 K tokens of English, a whole context
     * window of the current models, and a fraction of a second of one core for text of any shape.
     */
    public static final long DEFAULT_BUDGET_CHARS = 1 << 19;

    /** Base64 characters of a data URL decoded to find the image's size (192 KiB of image). */
    static final int DATA_URL_PREFIX_CHARS = 1 << 18;

    private final long budgetChars;
    private final ToIntBiFunction<TokenEncoding, String> tokenizer;

    /** With {@link #DEFAULT_BUDGET_CHARS}. */
    public TokenizerEstimator() {
        this(DEFAULT_BUDGET_CHARS);
    }

    /** @param budgetChars the most characters tokenized per estimate; text beyond is charged, not counted */
    public TokenizerEstimator(long budgetChars) {
        this(budgetChars, Tokenizers::countSegment);
    }

    /** @param tokenizer the exact count of one bounded segment (tests observe the work through it) */
    TokenizerEstimator(long budgetChars, ToIntBiFunction<TokenEncoding, String> tokenizer) {
        if (budgetChars < 0) {
            throw new IllegalArgumentException("budgetChars cannot be negative: " + budgetChars);
        }
        this.budgetChars = budgetChars;
        this.tokenizer = tokenizer;
    }

    /**
     * Loads the rank tables of {@code encodings} now (each takes a noticeable moment), so that the first
     * requests after start-up do not queue behind the loading.
     */
    public TokenizerEstimator preload(java.util.Collection<TokenEncoding> encodings) {
        encodings.forEach(Tokenizers::of);
        return this;
    }

    @Override
    public PromptEstimate estimate(ChatRequest request, TokenEncoding encoding) {
        byte[] body = request.body();
        long bytes = body.length;
        BodyIndex index = request.index();
        if (!index.isRead()) {
            // A body the parse did not index: estimate by bytes so admission still has a figure.
            long images = (long) request.imageCount() * maxImageTokens("high");
            return new PromptEstimate(bytes / 4 + images, bytes + images);
        }
        Counting counting = new Counting(body, new TokenTally(encoding, budgetChars, tokenizer));
        index.visitPrompt(counting);
        long tokens = counting.tally.tokens();
        long max = Math.max(Math.addExact(bytes, counting.imageMax), tokens);
        return new PromptEstimate(tokens, max);
    }

    /** Counts one body's prompt, as its index shows it, into a tally. */
    private static final class Counting implements BodyIndex.PromptVisitor {
        private final byte[] body;
        final TokenTally tally;
        long imageMax;

        Counting(byte[] body, TokenTally tally) {
            this.body = body;
            this.tally = tally;
        }

        @Override
        public void messages(int count) {
            tally.add((long) TOKENS_PER_MESSAGE * count);
        }

        @Override
        public void name() {
            tally.add(TOKENS_PER_NAME);
        }

        @Override
        public void tokenIds(int count) {
            tally.add(count);
        }

        @Override
        public void reply() {
            tally.add(REPLY_PRIMING);
        }

        /** A string: decoded and tokenized while the budget lasts, else charged by its length unread. */
        @Override
        public void text(int start, int end) {
            if (tally.budgetLeft()) {
                tally.text(BodyIndex.string(body, start, end));
            } else {
                tally.uncounted(BodyIndex.stringChars(body, start, end));
            }
        }

        @Override
        public void raw(int start, int end) {
            if (tally.budgetLeft()) {
                tally.text(new String(body, start, end - start, StandardCharsets.UTF_8));
            } else {
                tally.uncounted(end - start);
            }
        }

        @Override
        public void image(int urlStart, int urlEnd, boolean lowDetail) {
            String detail = lowDetail ? "low" : "auto";
            String url = urlStart < 0 ? null : BodyIndex.string(body, urlStart, urlEnd, DATA_URL_PREFIX_CHARS + 64);
            tally.add(imageTokens(url, detail));
            imageMax += maxImageTokens(detail);
        }
    }

    /** The most an image of this detail level can cost. */
    static long maxImageTokens(String detail) {
        return "low".equalsIgnoreCase(detail) ? IMAGE_BASE : IMAGE_BASE + (long) IMAGE_PER_TILE * IMAGE_MAX_TILES;
    }

    static long imageTokens(String url, String detail) {
        if ("low".equalsIgnoreCase(detail)) {
            return IMAGE_BASE;
        }
        int[] size = dataUrlSize(url);
        return size == null ? maxImageTokens(detail) : tileTokens(size[0], size[1]);
    }

    /** The high-detail tile rule for an image of the given pixel size. */
    public static long tileTokens(int width, int height) {
        if (width <= 0 || height <= 0) {
            return IMAGE_BASE + (long) IMAGE_PER_TILE * IMAGE_MAX_TILES;
        }
        double w = width;
        double h = height;
        if (w > 2048 || h > 2048) { // fit within 2048 x 2048, keeping the aspect ratio
            double scale = 2048.0 / Math.max(w, h);
            w = Math.floor(w * scale);
            h = Math.floor(h * scale);
        }
        if (Math.min(w, h) > 768) { // then the shortest side down to 768
            double scale = 768.0 / Math.min(w, h);
            w = Math.floor(w * scale);
            h = Math.floor(h * scale);
        }
        long tiles = (long) Math.ceil(w / 512) * (long) Math.ceil(h / 512);
        return IMAGE_BASE + IMAGE_PER_TILE * tiles;
    }

    /** Width and height of a base64 data-URL image, read from its header only; null when unknown. */
    static int[] dataUrlSize(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            return null;
        }
        try {
            byte[] bytes = decodePrefix(url.substring(comma + 1, Math.min(url.length(), comma + 1 + DATA_URL_PREFIX_CHARS)));
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
                Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
                if (!readers.hasNext()) {
                    return null;
                }
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    return new int[] {reader.getWidth(0), reader.getHeight(0)};
                } finally {
                    reader.dispose();
                }
            }
        } catch (Exception unreadable) {
            return null;
        }
    }

    /**
     * The bytes of a base64 prefix: a prefix may end inside a four-character group, whose last
     * character alone holds no whole byte; dropping it leaves what the header needs.
     */
    private static byte[] decodePrefix(String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException partialGroup) {
            return Base64.getMimeDecoder().decode(base64.substring(0, Math.max(0, base64.length() - 1)));
        }
    }
}

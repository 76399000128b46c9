package dev.llmrouter.adapters.azure;

import dev.llmrouter.domain.catalog.TokenEncoding;
import java.util.function.ToIntBiFunction;

/**
 * Counts the tokens of one prompt's texts with a bounded amount of tokenizer work (Requirement 9.2).
 *
 * <h2>Why segments</h2>
 * The tokenizer first splits text into pieces (a run of letters, of symbols, of whitespace, up to
 * three digits) and then merges each piece's bytes pair by pair. The merging costs more than linear
 * time and allocates several objects per byte of a piece, so a piece of megabytes (one character
 * repeated, a base64 blob, a long run of punctuation) costs seconds and can exhaust the heap, while
 * ordinary text, made of short pieces, costs the same per character at any length. So each text goes
 * to the tokenizer in segments of at most {@link #SEGMENT_CHARS} characters:
 * <ul>
 *   <li>a segment ends, where one is found, at a <em>piece boundary</em> that holds whatever surrounds
 *       it: between a letter or digit and a following space, or between a line feed and a following
 *       letter or digit. No piece of the cl100k or o200k split can span either (a letter piece takes
 *       at most one leading non-letter, never a line feed, and nothing but whitespace runs on into a
 *       space), and the split has no look-behind, so the segments' counts add up to the whole text's
 *       count exactly;</li>
 *   <li>a run with no such boundary for a whole segment is cut where the segment is full (never
 *       between the two halves of a surrogate pair). The sum is then an estimate of the count, close
 *       to it (a cut moves only the merges next to it), and every piece the tokenizer sees is short.</li>
 * </ul>
 *
 * <h2>Budget</h2>
 * At most {@code budgetChars} characters per tally go to the tokenizer. Text beyond the budget is
 * not tokenized: it is charged at the tokens per character of what was counted (four characters a
 * token when nothing was), so a prompt costs at most the budget of tokenizer work and a linear scan
 * beyond it. Only the expected count is affected: the upper bound a caller reserves against never
 * comes from this figure alone (see {@link TokenizerEstimator}).
 *
 * <p>Not thread-safe: one tally per estimate.
 */
final class TokenTally {

    /** The most characters the tokenizer sees at once, so the longest piece it ever merges. */
    static final int SEGMENT_CHARS = 4096;

    private final TokenEncoding encoding;
    private final long budgetChars;
    private final ToIntBiFunction<TokenEncoding, String> tokenizer;
    private long framing;
    private long countedTokens;
    private long countedChars;
    private long uncountedChars;

    /**
     * @param tokenizer the exact count of one segment ({@link Tokenizers#countSegment}; tests pass a
     *                  counting wrapper to see the work done)
     */
    TokenTally(TokenEncoding encoding, long budgetChars, ToIntBiFunction<TokenEncoding, String> tokenizer) {
        this.encoding = encoding;
        this.budgetChars = budgetChars;
        this.tokenizer = tokenizer;
    }

    /** Tokens that are not text: message framing, images, token ids. */
    void add(long tokens) {
        framing = Math.addExact(framing, tokens);
    }

    /** The tokens of {@code text}, counted in bounded segments while the budget lasts. */
    void text(String text) {
        int length = text.length();
        int from = 0;
        while (from < length) {
            long left = budgetChars - countedChars;
            if (left <= 0) {
                uncountedChars += length - from;
                return;
            }
            int end = segmentEnd(text, from, (int) Math.min(SEGMENT_CHARS, left));
            countedTokens += tokenizer.applyAsInt(encoding, text.substring(from, end));
            countedChars += end - from;
            from = end;
        }
    }

    /** A text of {@code chars} characters the caller chose not to read: charged as text beyond the budget. */
    void uncounted(long chars) {
        uncountedChars += chars;
    }

    /** Framing plus the counted text plus the charge for text beyond the budget. */
    long tokens() {
        long beyond = uncountedChars == 0 ? 0
                : countedChars == 0 ? ceilDiv(uncountedChars, 4)
                : (long) Math.ceil((double) uncountedChars * countedTokens / countedChars);
        return Math.addExact(Math.addExact(framing, countedTokens), beyond);
    }

    /** Whether more text would still be tokenized (else it is only charged). */
    boolean budgetLeft() {
        return countedChars < budgetChars;
    }

    /** Characters given to the tokenizer so far. */
    long countedChars() {
        return countedChars;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Where the segment starting at {@code from} ends: the text's end if within {@code limit}, else the
     * last piece boundary within the limit, else the limit (moved off a surrogate pair's middle: back,
     * or one character on when the segment would otherwise be empty).
     */
    static int segmentEnd(String text, int from, int limit) {
        int max = from + limit;
        if (max >= text.length()) {
            return text.length();
        }
        for (int p = max; p > from; p--) {
            if (isPieceBoundary(text, p)) {
                return p;
            }
        }
        if (Character.isHighSurrogate(text.charAt(max - 1))) {
            // Never split a pair: the tokenizer takes only whole characters.
            return max - 1 > from ? max - 1 : max + 1;
        }
        return max;
    }

    /** Whether no piece of the pre-tokenizer's split can span position {@code p} (0 < p < length). */
    static boolean isPieceBoundary(String text, int p) {
        char after = text.charAt(p);
        if (after == ' ') {
            return Character.isLetterOrDigit(text.codePointBefore(p));
        }
        return text.charAt(p - 1) == '\n' && Character.isLetterOrDigit(text.codePointAt(p));
    }
}

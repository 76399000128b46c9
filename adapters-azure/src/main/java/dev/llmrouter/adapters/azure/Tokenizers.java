package dev.llmrouter.adapters.azure;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.llmrouter.domain.catalog.TokenEncoding;

/** The jtokkit encodings, loaded once on first use (each holds a large rank table). */
final class Tokenizers {

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private Tokenizers() {}

    static Encoding of(TokenEncoding encoding) {
        return REGISTRY.getEncoding(switch (encoding) {
            case CL100K_BASE -> EncodingType.CL100K_BASE;
            case O200K_BASE -> EncodingType.O200K_BASE;
        });
    }

    /**
     * Tokens of plain text, in bounded segments ({@link TokenTally}): exact for text of ordinary
     * pieces, an estimate within a few tokens per cut for runs longer than a segment, and never more
     * than linear work in the text's length.
     */
    static int count(TokenEncoding encoding, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        TokenTally tally = new TokenTally(encoding, Long.MAX_VALUE, Tokenizers::countSegment);
        tally.text(text);
        return Math.toIntExact(tally.tokens());
    }

    /**
     * The tokenizer's exact count of one segment; special-token markers in user text are counted as
     * text, never refused. Superlinear in the longest piece of the text: callers bound the text's
     * length ({@link TokenTally#SEGMENT_CHARS}).
     */
    static int countSegment(TokenEncoding encoding, String text) {
        return text.isEmpty() ? 0 : of(encoding).countTokensOrdinary(wellFormed(text));
    }

    /**
     * The text with every unpaired surrogate replaced by U+FFFD. JSON lets a caller write one
     * ({@code "\\ud800"}), the tokenizers work on UTF-8, which cannot hold it, and cl100k's asserts on
     * it; the replacement is one character encoded in as many bytes, so the count stays the same kind
     * of figure. Returns the same string when there is nothing to replace.
     */
    static String wellFormed(String text) {
        StringBuilder out = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(n).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}

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

    /** Tokens of plain text; special-token markers in user text are counted as text, never refused. */
    static int count(TokenEncoding encoding, String text) {
        return text == null || text.isEmpty() ? 0 : of(encoding).countTokensOrdinary(text);
    }
}

package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.catalog.TokenEncoding;

/**
 * An estimator that needs no tokenizer, for embedders without one.
 *
 * <p>Why the bound holds: a BPE token covers at least one byte of UTF-8, and the JSON body holds
 * every byte of every message plus more bytes of syntax per message than the chat format's
 * per-message overhead, so the body's length bounds the text tokens. Images cost by resolution, not
 * by bytes, so each adds {@code maxTokensPerImage}. The expected count uses the usual four bytes
 * per token.
 */
public final class ByteBoundEstimator implements PromptTokenEstimator {

    /** A 2048×768 high-detail image under the GPT-4o tile rule: 85 + 170 × 8 tiles. */
    public static final long DEFAULT_MAX_TOKENS_PER_IMAGE = 1_445;

    private final long maxTokensPerImage;

    public ByteBoundEstimator() {
        this(DEFAULT_MAX_TOKENS_PER_IMAGE);
    }

    public ByteBoundEstimator(long maxTokensPerImage) {
        this.maxTokensPerImage = maxTokensPerImage;
    }

    @Override
    public PromptEstimate estimate(ChatRequest request, TokenEncoding encoding) {
        long bytes = request.body().length;
        long images = Math.multiplyExact(request.imageCount(), maxTokensPerImage);
        return new PromptEstimate(Math.addExact(bytes / 4, images), Math.addExact(bytes, images));
    }
}

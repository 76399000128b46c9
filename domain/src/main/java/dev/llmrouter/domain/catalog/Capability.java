package dev.llmrouter.domain.catalog;

/**
 * What a model can do: the operations it serves ({@link #CHAT}, {@link #TEXT_COMPLETION},
 * {@link #EMBEDDINGS}, {@link #RESPONSES}) and what it accepts beyond plain text. Routing sends an
 * operation only to a model that serves it: a chat model cannot answer the legacy completions operation,
 * nor an instruct model a chat, nor either of them an embeddings request.
 */
public enum Capability {
    /** Serves the chat-completions operation. */
    CHAT,
    /** Serves the legacy text-completions operation. */
    TEXT_COMPLETION,
    /** Serves the embeddings operation (input texts in, vectors out, no generated tokens). */
    EMBEDDINGS,
    /**
     * Serves the Responses API ({@code /responses}). A model whose capabilities name no operation is a
     * chat model and serves this too, as Azure's chat models do.
     */
    RESPONSES,
    /** Accepts image content parts (URL or base64). */
    VISION,
    /** Supports tool / function calling. */
    TOOLS,
    /**
     * A reasoning model: it takes its output cap as {@code max_completion_tokens} and refuses
     * {@code max_tokens} (Azure answers 400), so the cap is always sent in that field (Requirement 8.6).
     */
    REASONING;

    /**
     * True for the capabilities that are operations ({@link #CHAT}, {@link #TEXT_COMPLETION},
     * {@link #EMBEDDINGS}, {@link #RESPONSES}).
     */
    public boolean isOperation() {
        return this == CHAT || this == TEXT_COMPLETION || this == EMBEDDINGS || this == RESPONSES;
    }
}

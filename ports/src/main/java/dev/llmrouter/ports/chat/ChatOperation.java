package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.catalog.Capability;

/** The OpenAI operations the router serves. */
public enum ChatOperation {
    /** {@code /chat/completions}. */
    CHAT(Capability.CHAT),
    /** The legacy {@code /completions} (text in, text out). */
    TEXT_COMPLETION(Capability.TEXT_COMPLETION),
    /** {@code /embeddings}: input texts (or token ids) in, vectors out; nothing is generated. */
    EMBEDDINGS(Capability.EMBEDDINGS),
    /** The Responses API ({@code /responses}): {@code input} and {@code instructions} in, output items out. */
    RESPONSES(Capability.RESPONSES);

    private final Capability capability;

    ChatOperation(Capability capability) {
        this.capability = capability;
    }

    /** The capability a model needs to serve this operation: routing sends it to no other model. */
    public Capability capability() {
        return capability;
    }

    /**
     * Whether the operation generates tokens. One that does not (embeddings) has no output cap: the
     * deployment is sent none and a quota reserves the prompt's upper bound alone.
     */
    public boolean generates() {
        return this != EMBEDDINGS;
    }
}

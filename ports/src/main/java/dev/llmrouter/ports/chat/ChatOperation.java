package dev.llmrouter.ports.chat;

/** The OpenAI operations the router serves. */
public enum ChatOperation {
    /** {@code /chat/completions}. */
    CHAT,
    /** The legacy {@code /completions} (text in, text out). */
    TEXT_COMPLETION
}

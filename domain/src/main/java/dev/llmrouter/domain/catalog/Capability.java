package dev.llmrouter.domain.catalog;

/** What a model can do beyond plain text chat. */
public enum Capability {
    /** Accepts image content parts (URL or base64). */
    VISION,
    /** Supports tool / function calling. */
    TOOLS,
    /** Accepts the legacy text-completions operation. */
    TEXT_COMPLETION
}

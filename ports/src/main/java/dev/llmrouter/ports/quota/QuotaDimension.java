package dev.llmrouter.ports.quota;

/** What a monthly quota counts: spend (nano-dollars) or tokens. */
public enum QuotaDimension {
    COST,
    TOKENS
}

package dev.llmrouter.domain.deployment;

/** A deployment's place in its tier's fallback chain; chains are tried in this order. */
public enum ChainRole {
    PRIMARY,
    SECONDARY,
    DISASTER_RECOVERY
}

package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.money.TokenUsage;
import java.util.Optional;

/**
 * One Server-Sent Event from a deployment's stream: the JSON payload of its {@code data:} line.
 *
 * @param data       the chunk's JSON, UTF-8, as the deployment sent it
 * @param hasContent the chunk carries generated content (text, tool-call deltas); before the first
 *                   such chunk reaches the caller the router may still fall back
 * @param usage      present on the final usage chunk ({@code choices: []} with {@code usage}); the
 *                   router forwards such a chunk only to callers that asked for it
 */
public record StreamChunk(byte[] data, boolean hasContent, Optional<TokenUsage> usage) {

    public StreamChunk {
        java.util.Objects.requireNonNull(data, "data");
        usage = usage == null ? Optional.empty() : usage;
    }

    /** A chunk that carries only usage (no choices): hidden from callers that did not ask for usage. */
    public boolean usageOnly() {
        return usage.isPresent() && !hasContent;
    }
}

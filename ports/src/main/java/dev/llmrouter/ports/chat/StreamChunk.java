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
 * @param event      the event's name ({@code event:} line) where the stream's format names its events
 *                   (the Responses API: {@code response.created}, {@code response.output_text.delta}, ...),
 *                   else {@code null}; the caller gets it as it was sent
 */
public record StreamChunk(byte[] data, boolean hasContent, Optional<TokenUsage> usage, String event) {

    public StreamChunk {
        java.util.Objects.requireNonNull(data, "data");
        usage = usage == null ? Optional.empty() : usage;
    }

    /** A chunk of a stream whose events are not named (chat and text completions). */
    public StreamChunk(byte[] data, boolean hasContent, Optional<TokenUsage> usage) {
        this(data, hasContent, usage, null);
    }

    /** A chunk that carries only usage (no choices): hidden from callers that did not ask for usage. */
    public boolean usageOnly() {
        return usage.isPresent() && !hasContent && event == null;
    }
}

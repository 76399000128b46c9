package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.domain.money.TokenUsage;
import java.util.Objects;

/**
 * A deployment's complete, successful answer.
 *
 * @param body     the deployment's JSON exactly as it answered (the caller gets it whole)
 * @param usage    the token usage it reported
 * @param capacity    what it said of its remaining quota ({@code x-ratelimit-remaining-*}), for balancing
 * @param spilledFrom Azure's {@code x-ms-spillover-from-deployment}: the deployment that spilled this
 *                    request to its spillover target, which answered; empty when none did
 */
public record ChatReply(byte[] body, TokenUsage usage, CapacityReport capacity, String spilledFrom) {

    public ChatReply {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(capacity, "capacity");
        spilledFrom = spilledFrom == null ? "" : spilledFrom;
    }

    /** An answer no deployment spilled. */
    public ChatReply(byte[] body, TokenUsage usage, CapacityReport capacity) {
        this(body, usage, capacity, "");
    }

    /** An answer that said nothing of its remaining quota. */
    public ChatReply(byte[] body, TokenUsage usage) {
        this(body, usage, CapacityReport.NONE);
    }
}

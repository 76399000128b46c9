package dev.llmrouter.ports.chat;

import dev.llmrouter.domain.money.TokenUsage;
import java.util.Objects;

/**
 * A deployment's complete, successful answer.
 *
 * @param body  the deployment's JSON exactly as it answered (the caller gets it whole)
 * @param usage the token usage it reported
 */
public record ChatReply(byte[] body, TokenUsage usage) {

    public ChatReply {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(usage, "usage");
    }
}

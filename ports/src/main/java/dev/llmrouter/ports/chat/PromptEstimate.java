package dev.llmrouter.ports.chat;

/**
 * A prompt's size before the call.
 *
 * @param expectedTokens the tokenizer's count (text, plus images by the tile rule, plus per-message
 *                       overhead): used for context-window checks and per-minute token limits
 * @param maxTokens      a bound the real count never exceeds: used to reserve quota, so that a
 *                       reservation is a true worst case and spend never overshoots the quota
 */
public record PromptEstimate(long expectedTokens, long maxTokens) {

    public PromptEstimate {
        if (expectedTokens < 0 || maxTokens < expectedTokens) {
            throw new IllegalArgumentException("need 0 <= expected (" + expectedTokens + ") <= max (" + maxTokens + ")");
        }
    }
}

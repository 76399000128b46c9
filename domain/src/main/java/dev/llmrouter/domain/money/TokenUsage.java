package dev.llmrouter.domain.money;

/** Tokens consumed by one call: prompt (input) and completion (output). */
public record TokenUsage(long inputTokens, long outputTokens) {

    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException(
                    "token counts cannot be negative: in=" + inputTokens + " out=" + outputTokens);
        }
    }

    public long totalTokens() {
        return Math.addExact(inputTokens, outputTokens);
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(
                Math.addExact(inputTokens, other.inputTokens), Math.addExact(outputTokens, other.outputTokens));
    }
}

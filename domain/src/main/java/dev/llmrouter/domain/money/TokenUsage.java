package dev.llmrouter.domain.money;

/**
 * Tokens consumed by one call, every kind a deployment reports.
 *
 * <p>The counts follow Azure OpenAI's usage object, where the detailed kinds are <em>shares</em> of
 * the two totals rather than extra tokens: cached input tokens ({@code prompt_tokens_details.cached_tokens})
 * and cache-write tokens (where a deployment reports them) are part of {@code prompt_tokens}, and
 * reasoning tokens ({@code completion_tokens_details.reasoning_tokens}) are part of
 * {@code completion_tokens}. Keeping the totals whole means quotas, rate limits and every existing
 * reader of input and output see the same numbers as before; {@link Pricing} prices each share at its
 * own price and reasoning as output, so nothing is billed twice. Embeddings have input tokens only.
 *
 * @param inputTokens       prompt tokens, all kinds together
 * @param outputTokens      completion tokens, reasoning included
 * @param cachedInputTokens the share of the prompt read from the prompt cache
 * @param cacheWriteTokens  the share of the prompt written to the prompt cache
 * @param reasoningTokens   the share of the completion spent on reasoning
 */
public record TokenUsage(
        long inputTokens, long outputTokens, long cachedInputTokens, long cacheWriteTokens, long reasoningTokens) {

    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public TokenUsage {
        if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || cacheWriteTokens < 0
                || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative: " + describe(
                    inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens));
        }
        if (cachedInputTokens > inputTokens - cacheWriteTokens || reasoningTokens > outputTokens) {
            throw new IllegalArgumentException("cached and cache-write tokens are shares of the input, reasoning "
                    + "tokens a share of the output: " + describe(
                            inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens));
        }
    }

    /** Input and output only, no detailed kinds (every token uncached, none spent on reasoning). */
    public TokenUsage(long inputTokens, long outputTokens) {
        this(inputTokens, outputTokens, 0, 0, 0);
    }

    /** Input tokens only, as an embeddings call reports them. */
    public static TokenUsage inputOnly(long inputTokens) {
        return new TokenUsage(inputTokens, 0);
    }

    /**
     * A usage from counts as a deployment reported them, detailed kinds clamped into their totals:
     * a deployment that reports more cached than prompt tokens is believed for the totals, which
     * the caller's quota is charged by, and the detail is cut to fit so that no token is priced twice.
     */
    public static TokenUsage reported(
            long inputTokens, long outputTokens, long cachedInputTokens, long cacheWriteTokens, long reasoningTokens) {
        long in = Math.max(0, inputTokens);
        long out = Math.max(0, outputTokens);
        long write = Math.min(Math.max(0, cacheWriteTokens), in);
        long cached = Math.min(Math.max(0, cachedInputTokens), in - write);
        long reasoning = Math.min(Math.max(0, reasoningTokens), out);
        return new TokenUsage(in, out, cached, write, reasoning);
    }

    public TokenUsage withCachedInputTokens(long tokens) {
        return new TokenUsage(inputTokens, outputTokens, tokens, cacheWriteTokens, reasoningTokens);
    }

    public TokenUsage withCacheWriteTokens(long tokens) {
        return new TokenUsage(inputTokens, outputTokens, cachedInputTokens, tokens, reasoningTokens);
    }

    public TokenUsage withReasoningTokens(long tokens) {
        return new TokenUsage(inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, tokens);
    }

    /** The input tokens priced at the plain input price: neither read from nor written to the cache. */
    public long uncachedInputTokens() {
        return inputTokens - cachedInputTokens - cacheWriteTokens;
    }

    public long totalTokens() {
        return Math.addExact(inputTokens, outputTokens);
    }

    public TokenUsage plus(TokenUsage other) {
        return new TokenUsage(
                Math.addExact(inputTokens, other.inputTokens),
                Math.addExact(outputTokens, other.outputTokens),
                Math.addExact(cachedInputTokens, other.cachedInputTokens),
                Math.addExact(cacheWriteTokens, other.cacheWriteTokens),
                Math.addExact(reasoningTokens, other.reasoningTokens));
    }

    private static String describe(long in, long out, long cached, long write, long reasoning) {
        return "in=" + in + " out=" + out + " cached=" + cached + " cacheWrite=" + write + " reasoning=" + reasoning;
    }
}

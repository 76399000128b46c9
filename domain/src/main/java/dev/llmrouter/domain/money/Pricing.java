package dev.llmrouter.domain.money;

import java.util.Objects;

/**
 * Prices of every token kind: input, cached input, cache writes and output.
 *
 * <p>Cost of a {@link TokenUsage} = uncached input × input price + cached input × cached-input price
 * + cache writes × cache-write price + output × output price, in whole nano-dollars. Reasoning
 * tokens are part of the output and priced as output (Azure bills them so), never a second time.
 * Every price is whole nano-dollars per token ({@link TokenPrice}), so the result is exact, additive
 * ({@code cost(a + b) == cost(a) + cost(b)}), monotone in each kind and never rounded. The
 * documented range: any usage whose cost stays under about $9.2 billion; beyond it
 * {@link ArithmeticException}, never a wrapped value.
 *
 * <p>A cached-input price above the input price is refused: a cache read is a discount, and a
 * configuration that says otherwise is a mistake, not a price (Property 26: a cached token never costs
 * more than an uncached one). A cache write may cost more than plain input (some providers charge a
 * premium for it); when no price is given for either, it is the input price.
 *
 * @param input       uncached prompt tokens
 * @param output      completion tokens, reasoning included
 * @param cachedInput prompt tokens read from the cache; at most {@code input}
 * @param cacheWrite  prompt tokens written to the cache
 */
public record Pricing(TokenPrice input, TokenPrice output, TokenPrice cachedInput, TokenPrice cacheWrite) {

    public static final Pricing FREE = new Pricing(TokenPrice.FREE, TokenPrice.FREE);

    public Pricing {
        Objects.requireNonNull(input, "input price");
        Objects.requireNonNull(output, "output price");
        Objects.requireNonNull(cachedInput, "cached input price");
        Objects.requireNonNull(cacheWrite, "cache write price");
        if (cachedInput.nanosPerToken() > input.nanosPerToken()) {
            throw new IllegalArgumentException("cached input price $" + cachedInput.usdPerMillion()
                    + " per 1M tokens is above the input price $" + input.usdPerMillion() + " per 1M tokens");
        }
    }

    /** Input and output prices; cached input and cache writes at the input price. */
    public Pricing(TokenPrice input, TokenPrice output) {
        this(input, output, input, input);
    }

    public static Pricing perMillion(String inputUsd, String outputUsd) {
        return new Pricing(TokenPrice.perMillion(inputUsd), TokenPrice.perMillion(outputUsd));
    }

    /** Prices in dollars per 1M tokens: input, cached input, output; cache writes at the input price. */
    public static Pricing perMillion(String inputUsd, String cachedInputUsd, String outputUsd) {
        TokenPrice input = TokenPrice.perMillion(inputUsd);
        return new Pricing(input, TokenPrice.perMillion(outputUsd), TokenPrice.perMillion(cachedInputUsd), input);
    }

    public static Pricing perThousand(String inputUsd, String outputUsd) {
        return new Pricing(TokenPrice.perThousand(inputUsd), TokenPrice.perThousand(outputUsd));
    }

    public Pricing withInput(TokenPrice price) {
        return new Pricing(price, output, cachedInput, cacheWrite);
    }

    public Pricing withOutput(TokenPrice price) {
        return new Pricing(input, price, cachedInput, cacheWrite);
    }

    public Pricing withCachedInput(TokenPrice price) {
        return new Pricing(input, output, price, cacheWrite);
    }

    public Pricing withCacheWrite(TokenPrice price) {
        return new Pricing(input, output, cachedInput, price);
    }

    public Money costOf(TokenUsage usage) {
        if (usage.cachedInputTokens() == 0 && usage.cacheWriteTokens() == 0) {
            return costOf(usage.inputTokens(), usage.outputTokens());
        }
        long nanos = Math.addExact(
                Math.addExact(
                        Math.multiplyExact(usage.uncachedInputTokens(), input.nanosPerToken()),
                        Math.multiplyExact(usage.cachedInputTokens(), cachedInput.nanosPerToken())),
                Math.addExact(
                        Math.multiplyExact(usage.cacheWriteTokens(), cacheWrite.nanosPerToken()),
                        Math.multiplyExact(usage.outputTokens(), output.nanosPerToken())));
        return Money.ofNanos(nanos);
    }

    /**
     * The cost of input and output tokens with every input token uncached. Computed on the
     * nano-dollar longs so that a cost is one {@link Money}, not one per part and one for their sum:
     * this runs several times per request. Negative counts are refused, overflow throws
     * {@link ArithmeticException}.
     */
    public Money costOf(long inputTokens, long outputTokens) {
        return costAt(input.nanosPerToken(), inputTokens, outputTokens);
    }

    /**
     * The most {@code inputTokens} prompt and {@code outputTokens} completion tokens can cost, whatever
     * share of the prompt the answer turns out to have read from or written to the cache: each input
     * token at the dearer of the input and cache-write prices (the cached price is never above the
     * input price). What a quota reservation holds before the answer says.
     */
    public Money worstCaseCostOf(long inputTokens, long outputTokens) {
        return costAt(Math.max(input.nanosPerToken(), cacheWrite.nanosPerToken()), inputTokens, outputTokens);
    }

    private Money costAt(long inputNanosPerToken, long inputTokens, long outputTokens) {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException(
                    "token counts cannot be negative: in=" + inputTokens + " out=" + outputTokens);
        }
        return Money.ofNanos(Math.addExact(
                Math.multiplyExact(inputTokens, inputNanosPerToken),
                Math.multiplyExact(outputTokens, output.nanosPerToken())));
    }
}

package dev.llmrouter.domain.money;

/**
 * A model's prices, input and output apart.
 *
 * <p>Cost of a usage = input tokens × input price + output tokens × output price, in whole
 * nano-dollars. Both prices are whole nano-dollars per token ({@link TokenPrice}), so the result is
 * exact, additive ({@code cost(a + b) == cost(a) + cost(b)}), monotone in tokens and never rounded.
 * The documented range: any usage whose cost stays under about $9.2 billion; beyond it
 * {@link ArithmeticException}, never a wrapped value.
 */
public record Pricing(TokenPrice input, TokenPrice output) {

    public static final Pricing FREE = new Pricing(TokenPrice.FREE, TokenPrice.FREE);

    public Pricing {
        java.util.Objects.requireNonNull(input, "input price");
        java.util.Objects.requireNonNull(output, "output price");
    }

    public static Pricing perMillion(String inputUsd, String outputUsd) {
        return new Pricing(TokenPrice.perMillion(inputUsd), TokenPrice.perMillion(outputUsd));
    }

    public static Pricing perThousand(String inputUsd, String outputUsd) {
        return new Pricing(TokenPrice.perThousand(inputUsd), TokenPrice.perThousand(outputUsd));
    }

    public Money costOf(TokenUsage usage) {
        return costOf(usage.inputTokens(), usage.outputTokens());
    }

    /**
     * As {@link #costOf(TokenUsage)}, computed on the nano-dollar longs so that a cost is one
     * {@link Money}, not one per part and one for their sum: this runs several times per request.
     * Same checks and errors: negative counts are refused, overflow throws {@link ArithmeticException}.
     */
    public Money costOf(long inputTokens, long outputTokens) {
        if (inputTokens < 0 || outputTokens < 0) {
            throw new IllegalArgumentException(
                    "token counts cannot be negative: in=" + inputTokens + " out=" + outputTokens);
        }
        return Money.ofNanos(Math.addExact(
                Math.multiplyExact(inputTokens, input.nanosPerToken()),
                Math.multiplyExact(outputTokens, output.nanosPerToken())));
    }
}

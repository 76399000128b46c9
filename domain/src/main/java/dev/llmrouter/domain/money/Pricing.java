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
        return input.costOf(usage.inputTokens()).plus(output.costOf(usage.outputTokens()));
    }

    public Money costOf(long inputTokens, long outputTokens) {
        return costOf(new TokenUsage(inputTokens, outputTokens));
    }
}

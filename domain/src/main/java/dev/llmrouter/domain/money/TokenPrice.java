package dev.llmrouter.domain.money;

import java.math.BigDecimal;

/**
 * The price of one token, in whole nano-dollars.
 *
 * <p>Prices are published per 1K or per 1M tokens. A published price converts exactly when it is a
 * multiple of $0.001 per 1M tokens (= 1 nano-dollar per token); every Azure OpenAI list price is. A
 * finer price is refused at construction rather than rounded, so cost math below never rounds.
 */
public record TokenPrice(long nanosPerToken) {

    public static final TokenPrice FREE = new TokenPrice(0);

    public TokenPrice {
        if (nanosPerToken < 0) {
            throw new IllegalArgumentException("price cannot be negative: " + nanosPerToken);
        }
    }

    /** A price given in dollars per one million tokens, e.g. {@code perMillion("2.50")}. */
    public static TokenPrice perMillion(String usdPerMillion) {
        return perMillion(new BigDecimal(usdPerMillion));
    }

    public static TokenPrice perMillion(BigDecimal usdPerMillion) {
        return exact(usdPerMillion.movePointRight(3), usdPerMillion + " per 1M tokens");
    }

    /** A price given in dollars per one thousand tokens, e.g. {@code perThousand("0.0005")}. */
    public static TokenPrice perThousand(String usdPerThousand) {
        return exact(new BigDecimal(usdPerThousand).movePointRight(6), usdPerThousand + " per 1K tokens");
    }

    private static TokenPrice exact(BigDecimal nanos, String what) {
        try {
            return new TokenPrice(nanos.stripTrailingZeros().longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "price $" + what + " is not a whole number of nano-dollars per token "
                            + "(prices must be multiples of $0.001 per 1M tokens)");
        }
    }

    /** Exact cost of {@code tokens} tokens; throws {@link ArithmeticException} past the range of {@link Money}. */
    public Money costOf(long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("token count cannot be negative: " + tokens);
        }
        return Money.ofNanos(Math.multiplyExact(tokens, nanosPerToken));
    }

    public BigDecimal usdPerMillion() {
        return BigDecimal.valueOf(nanosPerToken, 3).stripTrailingZeros();
    }
}

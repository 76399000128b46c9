package dev.llmrouter.domain.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property 16 — cost math (Requirement 5.2): the cost of a usage is exact against a
 * {@link BigDecimal} reference (tokens × USD per 1M / 10<sup>6</sup>), additive
 * ({@code cost(a + b) == cost(a) + cost(b)}), monotone in tokens and never negative; past the range
 * of {@link Money} it throws {@link ArithmeticException}, never a wrapped value. Published prices
 * per 1K or per 1M tokens convert exactly or are refused.
 */
@DisplayName("Property 16: cost math is exact, additive and monotone")
class CostMathPropertyTest {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    /** Prices from free to $1,000 per 1M tokens, with some far beyond, in $0.001 steps (whole nano-dollars per token). */
    private static Gen<TokenPrice> prices() {
        Gen<Long> usual = longs().between(0, 1_000_000);
        Gen<Long> nanos = usual.mix(longs().between(0, 1_000_000_000_000L), 20);
        return nanos.map(n -> TokenPrice.perMillion(BigDecimal.valueOf(n, 3)));
    }

    /** Token counts: everyday sizes, and (a fifth of the time) anything up to Long.MAX_VALUE. */
    private static Gen<Long> tokens() {
        return longs().between(0, 10_000_000_000L).mix(longs().between(0, Long.MAX_VALUE), 20);
    }

    /** The reference: USD = tokens × USD per 1M / 1,000,000, in unbounded decimals. */
    private static BigDecimal referenceUsd(long tokens, TokenPrice price) {
        return BigDecimal.valueOf(tokens).multiply(price.usdPerMillion()).divide(MILLION);
    }

    private static boolean fitsMoney(BigDecimal usd) {
        return usd.movePointRight(9).toBigIntegerExact().compareTo(MAX_NANOS) <= 0;
    }

    @Test
    @DisplayName("Property 16: exact against the BigDecimal reference, or ArithmeticException past the range")
    void costIsExactOrRefused() {
        qt().withExamples(1000).forAll(tokens(), prices()).checkAssert((tokens, price) -> {
            // given
            BigDecimal reference = referenceUsd(tokens, price);

            // when / then
            if (fitsMoney(reference)) {
                Money cost = price.costOf(tokens);
                assertThat(cost.toUsd()).isEqualByComparingTo(reference);
                assertThat(cost.nanos()).isNotNegative();
            } else {
                assertThatThrownBy(() -> price.costOf(tokens)).isInstanceOf(ArithmeticException.class);
            }
        });
    }

    @Test
    @DisplayName("Property 16: input and output priced apart, summed exactly or refused")
    void pricingSumsInputAndOutputExactly() {
        qt().withExamples(1000).forAll(tokens(), tokens(), prices(), prices()).checkAssert((in, out, pin, pout) -> {
            // given
            Pricing pricing = new Pricing(pin, pout);
            BigDecimal reference = referenceUsd(in, pin).add(referenceUsd(out, pout));

            // when / then
            if (fitsMoney(reference)) {
                assertThat(pricing.costOf(new TokenUsage(in, out)).toUsd()).isEqualByComparingTo(reference);
            } else {
                assertThatThrownBy(() -> pricing.costOf(in, out)).isInstanceOf(ArithmeticException.class);
            }
        });
    }

    @Test
    @DisplayName("Property 16: additive — cost(a + b) = cost(a) + cost(b)")
    void costIsAdditive() {
        Gen<Long> everyday = longs().between(0, 5_000_000_000L);
        Gen<TokenUsage> usages = everyday.zip(everyday, TokenUsage::new);
        qt().withExamples(1000)
                .forAll(usages, usages, prices().zip(prices(), Pricing::new))
                .checkAssert((a, b, pricing) -> {
                    // given
                    TokenUsage total = a.plus(b);
                    if (!fitsMoney(referenceUsd(total.inputTokens(), pricing.input())
                            .add(referenceUsd(total.outputTokens(), pricing.output())))) {
                        return; // additivity is claimed within the documented range
                    }

                    // when
                    Money whole = pricing.costOf(a.plus(b));
                    Money parts = pricing.costOf(a).plus(pricing.costOf(b));

                    // then
                    assertThat(whole).isEqualTo(parts);
                });
    }

    @Test
    @DisplayName("Property 16: monotone — more tokens never cost less")
    void costIsMonotoneInTokens() {
        Gen<Long> everyday = longs().between(0, 5_000_000_000L);
        qt().withExamples(1000).forAll(everyday, everyday, prices()).checkAssert((x, y, price) -> {
            // given
            long fewer = Math.min(x, y);
            long more = Math.max(x, y);
            if (!fitsMoney(referenceUsd(more, price))) {
                return;
            }

            // then
            assertThat(price.costOf(fewer)).isLessThanOrEqualTo(price.costOf(more));
            assertThat(price.costOf(fewer).nanos()).isNotNegative();
        });
    }

    @Test
    @DisplayName("Property 16: a negative token count is refused, never priced")
    void negativeTokensAreRefused() {
        qt().withExamples(200).forAll(longs().between(Long.MIN_VALUE, -1), prices()).checkAssert((tokens, price) ->
                assertThatThrownBy(() -> price.costOf(tokens)).isInstanceOf(IllegalArgumentException.class));
    }

    @Test
    @DisplayName("Property 16: a price per 1M converts exactly when a multiple of $0.001, else is refused")
    void perMillionPricesAreExactOrRefused() {
        qt().withExamples(1000).forAll(longs().between(0, 10_000_000_000L), integers().between(0, 9)).checkAssert((unscaled, scale) -> {
            // given: a published price such as 2.5, 0.150 or 0.0001
            BigDecimal usdPerMillion = BigDecimal.valueOf(unscaled, scale);
            BigDecimal nanosPerToken = usdPerMillion.movePointRight(3);

            // when / then
            if (isWhole(nanosPerToken)) {
                TokenPrice price = TokenPrice.perMillion(usdPerMillion.toPlainString());
                assertThat(price.usdPerMillion()).isEqualByComparingTo(usdPerMillion);
                assertThat(price.nanosPerToken()).isEqualTo(nanosPerToken.longValueExact());
            } else {
                assertThatThrownBy(() -> TokenPrice.perMillion(usdPerMillion.toPlainString()))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        });
    }

    @Test
    @DisplayName("Property 16: a price per 1K converts exactly when a multiple of $0.000001, and equals 1000× per 1M")
    void perThousandPricesAreExactOrRefused() {
        qt().withExamples(1000).forAll(longs().between(0, 10_000_000_000L), integers().between(0, 12)).checkAssert((unscaled, scale) -> {
            // given: a published price such as 0.0005 or 0.03 per 1K
            BigDecimal usdPerThousand = BigDecimal.valueOf(unscaled, scale);
            BigDecimal nanosPerToken = usdPerThousand.movePointRight(6);

            // when / then
            if (isWhole(nanosPerToken)) {
                TokenPrice price = TokenPrice.perThousand(usdPerThousand.toPlainString());
                assertThat(price.nanosPerToken()).isEqualTo(nanosPerToken.longValueExact());
                assertThat(price).isEqualTo(TokenPrice.perMillion(usdPerThousand.movePointRight(3)));
            } else {
                assertThatThrownBy(() -> TokenPrice.perThousand(usdPerThousand.toPlainString()))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        });
    }

    @Test
    @DisplayName("Money: decimal conversion rounds up only below a nano-dollar, round-trips exactly, refuses past the range")
    void moneyFromDecimalRoundsUpAndRoundTrips() {
        qt().withExamples(1000).forAll(longs().between(0, Long.MAX_VALUE / 10), integers().between(0, 14)).checkAssert((unscaled, scale) -> {
            // given
            BigDecimal usd = BigDecimal.valueOf(unscaled, scale);
            BigInteger ceilingNanos = usd.movePointRight(9).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
            if (ceilingNanos.compareTo(MAX_NANOS) > 0) {
                assertThatThrownBy(() -> Money.ofUsd(usd)).isInstanceOf(ArithmeticException.class);
                return;
            }

            // when
            Money money = Money.ofUsd(usd);

            // then: never understated, by less than one nano-dollar
            assertThat(money.toUsd()).isGreaterThanOrEqualTo(usd);
            assertThat(money.toUsd().subtract(usd)).isLessThan(new BigDecimal("0.000000001"));
            assertThat(money.nanos()).isEqualTo(ceilingNanos.longValueExact());
            assertThat(Money.ofUsd(money.toUsd())).isEqualTo(money);
            assertThat(Money.ofUsd(money.toUsdString())).isEqualTo(money);
        });
    }

    @Test
    @DisplayName("Money: sums and multiples are exact or throw, never wrap")
    void moneyArithmeticNeverWraps() {
        Gen<Long> nanos = longs().between(0, Long.MAX_VALUE);
        qt().withExamples(1000).forAll(nanos, nanos, longs().between(0, 1_000_000)).checkAssert((a, b, k) -> {
            BigInteger sum = BigInteger.valueOf(a).add(BigInteger.valueOf(b));
            if (sum.compareTo(MAX_NANOS) <= 0) {
                assertThat(Money.ofNanos(a).plus(Money.ofNanos(b)).nanos()).isEqualTo(sum.longValueExact());
            } else {
                assertThatThrownBy(() -> Money.ofNanos(a).plus(Money.ofNanos(b))).isInstanceOf(ArithmeticException.class);
            }
            BigInteger product = BigInteger.valueOf(a).multiply(BigInteger.valueOf(k));
            if (product.compareTo(MAX_NANOS) <= 0) {
                assertThat(Money.ofNanos(a).times(k).nanos()).isEqualTo(product.longValueExact());
            } else {
                assertThatThrownBy(() -> Money.ofNanos(a).times(k)).isInstanceOf(ArithmeticException.class);
            }
            assertThat(Money.ofNanos(a).minusFloorZero(Money.ofNanos(b)).nanos()).isEqualTo(Math.max(0, a - b));
        });
    }

    private static boolean isWhole(BigDecimal value) {
        return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
    }
}

package dev.llmrouter.domain.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property 26 — token kinds (Requirement 8.4), Property 16 extended to every kind: the cost of a usage
 * with cached input, cache writes, output and reasoning is exact against a {@link BigDecimal}
 * reference (uncached input at the input price, cached input at the cached price, cache writes at the
 * cache-write price, output — reasoning included, counted once — at the output price), additive, and
 * monotone in every kind; a cached token never costs more than the same token uncached, and a price
 * list claiming otherwise is refused.
 */
@DisplayName("Property 26: every token kind priced exactly, additively, monotonically; cached never dearer")
class TokenKindsPropertyTest {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

    private static Gen<Long> priceNanos() {
        return longs().between(0, 1_000_000).mix(longs().between(0, 1_000_000_000_000L), 20);
    }

    /** Everyday prices, up to $1,000 per 1M tokens: with billions of tokens, their costs stay in range. */
    private static Gen<Long> everydayPriceNanos() {
        return longs().between(0, 1_000_000);
    }

    /** Price lists of any size. */
    private static Gen<Pricing> pricings() {
        return pricings(priceNanos());
    }

    /** Price lists with a cached price at most the input price and a cache-write price on either side of it. */
    private static Gen<Pricing> pricings(Gen<Long> priceNanos) {
        return priceNanos.zip(priceNanos, priceNanos, integers().between(0, 100), (in, out, write, cachedPct) ->
                new Pricing(new TokenPrice(in), new TokenPrice(out),
                        new TokenPrice(BigInteger.valueOf(in).multiply(BigInteger.valueOf(cachedPct))
                                .divide(BigInteger.valueOf(100)).longValueExact()),
                        new TokenPrice(write)));
    }

    /** Usages of every kind; the detailed kinds are shares of their totals, as Azure reports them. */
    private static Gen<TokenUsage> usages(long max) {
        Gen<Long> n = longs().between(0, max);
        return n.zip(n, n, n, (uncached, cached, write, out) -> new TokenUsage(
                uncached + cached + write, out, cached, write, out / 3));
    }

    private static BigDecimal usd(long tokens, TokenPrice price) {
        return BigDecimal.valueOf(tokens).multiply(price.usdPerMillion()).divide(MILLION);
    }

    private static BigDecimal reference(TokenUsage u, Pricing p) {
        return usd(u.uncachedInputTokens(), p.input())
                .add(usd(u.cachedInputTokens(), p.cachedInput()))
                .add(usd(u.cacheWriteTokens(), p.cacheWrite()))
                .add(usd(u.outputTokens(), p.output()));
    }

    private static boolean fits(BigDecimal usd) {
        return usd.movePointRight(9).toBigIntegerExact().compareTo(MAX_NANOS) <= 0;
    }

    @Test
    @DisplayName("Property 26: exact against the BigDecimal reference over every kind, or ArithmeticException past the range")
    void everyKindIsPricedExactly() {
        qt().withExamples(1000).forAll(usages(1_000_000_000_000L).mix(usages(Long.MAX_VALUE / 4), 20), pricings())
                .checkAssert((usage, pricing) -> {
                    // given
                    BigDecimal reference = reference(usage, pricing);

                    // when / then
                    if (fits(reference)) {
                        assertThat(pricing.costOf(usage).toUsd()).isEqualByComparingTo(reference);
                    } else {
                        assertThatThrownBy(() -> pricing.costOf(usage)).isInstanceOf(ArithmeticException.class);
                    }
                });
    }

    @Test
    @DisplayName("Property 26: additive over every kind — cost(a + b) = cost(a) + cost(b)")
    void everyKindIsAdditive() {
        qt().withExamples(1000).forAll(usages(2_000_000_000L), usages(2_000_000_000L), pricings())
                .checkAssert((a, b, pricing) -> {
                    // given
                    TokenUsage total = a.plus(b);
                    if (!fits(reference(total, pricing))) {
                        return; // additivity is claimed within the documented range
                    }

                    // then
                    assertThat(pricing.costOf(total)).isEqualTo(pricing.costOf(a).plus(pricing.costOf(b)));
                    assertThat(total.cachedInputTokens()).isEqualTo(a.cachedInputTokens() + b.cachedInputTokens());
                    assertThat(total.reasoningTokens()).isEqualTo(a.reasoningTokens() + b.reasoningTokens());
                });
    }

    @Test
    @DisplayName("Property 26: monotone — one more token of any kind never costs less")
    void everyKindIsMonotone() {
        qt().withExamples(1000).forAll(usages(2_000_000_000L), pricings(everydayPriceNanos()), longs().between(0, 2_000_000_000L))
                .checkAssert((u, pricing, k) -> {
                    // given: k more tokens of each kind in turn
                    TokenUsage[] more = {
                        new TokenUsage(u.inputTokens() + k, u.outputTokens(), u.cachedInputTokens(), u.cacheWriteTokens(), u.reasoningTokens()),
                        new TokenUsage(u.inputTokens() + k, u.outputTokens(), u.cachedInputTokens() + k, u.cacheWriteTokens(), u.reasoningTokens()),
                        new TokenUsage(u.inputTokens() + k, u.outputTokens(), u.cachedInputTokens(), u.cacheWriteTokens() + k, u.reasoningTokens()),
                        new TokenUsage(u.inputTokens(), u.outputTokens() + k, u.cachedInputTokens(), u.cacheWriteTokens(), u.reasoningTokens()),
                        new TokenUsage(u.inputTokens(), u.outputTokens() + k, u.cachedInputTokens(), u.cacheWriteTokens(), u.reasoningTokens() + k),
                    };
                    Money before = pricing.costOf(u);

                    // then
                    for (TokenUsage bigger : more) {
                        assertThat(pricing.costOf(bigger)).isGreaterThanOrEqualTo(before);
                    }
                });
    }

    @Test
    @DisplayName("Property 26: reasoning tokens are output, billed once — saying which output tokens reasoned changes no cost")
    void reasoningIsBilledAsOutputOnce() {
        qt().withExamples(1000).forAll(usages(2_000_000_000L), pricings(everydayPriceNanos()), integers().between(0, 100))
                .checkAssert((u, pricing, pct) -> {
                    // given
                    TokenUsage reclassified = u.withReasoningTokens(u.outputTokens() * pct / 100);

                    // then
                    assertThat(pricing.costOf(reclassified)).isEqualTo(pricing.costOf(u));
                    assertThat(pricing.costOf(reclassified))
                            .isEqualTo(pricing.costOf(u.withReasoningTokens(0)));
                });
    }

    @Test
    @DisplayName("Property 26: a cached token never costs more than uncached — moving prompt tokens to the cache never raises the cost")
    void cachedNeverCostsMoreThanUncached() {
        qt().withExamples(1000).forAll(usages(2_000_000_000L), pricings(everydayPriceNanos()), integers().between(0, 100))
                .checkAssert((u, pricing, pct) -> {
                    // given: part of the uncached prompt reported as read from the cache instead
                    long moved = u.uncachedInputTokens() * pct / 100;
                    TokenUsage cached = u.withCachedInputTokens(u.cachedInputTokens() + moved);

                    // then
                    assertThat(pricing.costOf(cached)).isLessThanOrEqualTo(pricing.costOf(u));
                    assertThat(pricing.costOf(u.withCachedInputTokens(0))).isGreaterThanOrEqualTo(pricing.costOf(u));
                    assertThat(pricing.worstCaseCostOf(u.inputTokens(), u.outputTokens()))
                            .as("a reservation's worst case holds any share of the prompt cached or written")
                            .isGreaterThanOrEqualTo(pricing.costOf(u))
                            .isGreaterThanOrEqualTo(pricing.costOf(cached));
                });
    }

    @Test
    @DisplayName("Property 26: a price list with a cached price above its input price is refused")
    void cachedPriceAboveInputIsRefused() {
        qt().withExamples(500).forAll(longs().between(0, 1_000_000_000L), longs().between(1, 1_000_000_000L))
                .checkAssert((input, extra) -> assertThatThrownBy(() -> new Pricing(
                        new TokenPrice(input), TokenPrice.FREE, new TokenPrice(input + extra), new TokenPrice(input)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("cached input price"));
    }

    @Test
    @DisplayName("Property 26: detailed kinds are shares of their totals — a share larger than its total is refused, a reported one clamped")
    void sharesNeverExceedTheirTotals() {
        Gen<Long> n = longs().between(0, 1_000_000_000L);
        qt().withExamples(1000).forAll(n, n, n, n).checkAssert((in, out, cached, reasoning) -> {
            // when
            TokenUsage reported = TokenUsage.reported(in, out, cached, 0, reasoning);

            // then: totals believed, shares cut to fit
            assertThat(reported.inputTokens()).isEqualTo(in);
            assertThat(reported.outputTokens()).isEqualTo(out);
            assertThat(reported.cachedInputTokens()).isEqualTo(Math.min(cached, in));
            assertThat(reported.reasoningTokens()).isEqualTo(Math.min(reasoning, out));
            if (cached > in) {
                assertThatThrownBy(() -> new TokenUsage(in, out, cached, 0, 0)).isInstanceOf(IllegalArgumentException.class);
            }
            if (reasoning > out) {
                assertThatThrownBy(() -> new TokenUsage(in, out, 0, 0, reasoning)).isInstanceOf(IllegalArgumentException.class);
            }
        });
    }

    @Test
    @DisplayName("Property 26: input and output alone cost what Property 16 says, through either entry point")
    void twoKindUsageCostsAsBefore() {
        qt().withExamples(1000).forAll(longs().between(0, 5_000_000_000L), longs().between(0, 5_000_000_000L), pricings(everydayPriceNanos()))
                .checkAssert((in, out, pricing) ->
                        assertThat(pricing.costOf(new TokenUsage(in, out))).isEqualTo(pricing.costOf(in, out)));
    }
}

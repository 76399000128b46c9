package dev.llmrouter.domain.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.domain.catalog.ExampleCatalog;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.2: published per-1K / per-1M prices, and the cost of a usage, by example. */
@DisplayName("Token prices and cost (Requirement 5.2)")
class TokenPriceTest {

    @Test
    @DisplayName("per-1M and per-1K prices convert to whole nano-dollars per token")
    void publishedPricesConvert() {
        assertThat(TokenPrice.perMillion("2.50").nanosPerToken()).isEqualTo(2_500);
        assertThat(TokenPrice.perMillion("0.025").nanosPerToken()).isEqualTo(25);
        assertThat(TokenPrice.perThousand("0.0005").nanosPerToken()).isEqualTo(500);
        assertThat(TokenPrice.perThousand("0.03")).isEqualTo(TokenPrice.perMillion("30"));
        assertThat(TokenPrice.perMillion("0")).isEqualTo(TokenPrice.FREE);
        assertThat(TokenPrice.perMillion("2.50").usdPerMillion()).isEqualByComparingTo("2.5");
    }

    @Test
    @DisplayName("a price finer than $0.001 per 1M, negative, or out of range is refused, never rounded")
    void inexactPricesAreRefused() {
        assertThatThrownBy(() -> TokenPrice.perMillion("0.0001")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0001");
        assertThatThrownBy(() -> TokenPrice.perThousand("0.0000001")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenPrice.perMillion("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenPrice.perMillion("1e30")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenPrice.perMillion("two")).isInstanceOf(NumberFormatException.class);
    }

    @Test
    @DisplayName("gpt-4o: 1,000 tokens in and 500 out cost $0.0075")
    void gpt4oWorkedExample() {
        // given: $2.50 in / $10.00 out per 1M
        Pricing pricing = ExampleCatalog.create().model("gpt-4o").orElseThrow().pricing();

        // when
        Money cost = pricing.costOf(1_000, 500);

        // then: 1,000 × 2,500 + 500 × 10,000 nano-dollars
        assertThat(cost.nanos()).isEqualTo(7_500_000);
        assertThat(cost.toUsdString()).isEqualTo("0.0075");
    }

    @Test
    @DisplayName("gpt-35-turbo priced per 1K: 1,000 in and 1,000 out cost $0.002")
    void perThousandWorkedExample() {
        // given: $0.0005 in / $0.0015 out per 1K
        Pricing pricing = ExampleCatalog.create().model("gpt-35-turbo").orElseThrow().pricing();

        // then
        assertThat(pricing.costOf(1_000, 1_000).toUsdString()).isEqualTo("0.002");
        assertThat(pricing.costOf(TokenUsage.NONE)).isEqualTo(Money.ZERO);
    }

    @Test
    @DisplayName("token counts are never negative and their sums never wrap")
    void tokenUsageEdges() {
        assertThatThrownBy(() -> new TokenUsage(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenPrice.perMillion("1").costOf(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenUsage(Long.MAX_VALUE, 1).totalTokens()).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> new TokenUsage(Long.MAX_VALUE, 0).plus(new TokenUsage(1, 0)))
                .isInstanceOf(ArithmeticException.class);
        assertThat(new TokenUsage(3, 4).plus(new TokenUsage(1, 2))).isEqualTo(new TokenUsage(4, 6));
    }

    @Test
    @DisplayName("a cost past the range of Money throws instead of wrapping")
    void costOverflowThrows() {
        // given: $30 per 1M is 30,000 nano-dollars per token; 10^15 tokens would cost $30 billion
        TokenPrice price = TokenPrice.perMillion("30");

        // then
        assertThatThrownBy(() -> price.costOf(1_000_000_000_000_000L)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> new Pricing(price, price).costOf(200_000_000_000_000L, 200_000_000_000_000L))
                .isInstanceOf(ArithmeticException.class);
    }
}

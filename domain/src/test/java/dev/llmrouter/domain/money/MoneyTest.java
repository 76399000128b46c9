package dev.llmrouter.domain.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.2: money is exact nano-dollars; the edges behave as documented. */
@DisplayName("Money (Requirement 5.2)")
class MoneyTest {

    @Test
    @DisplayName("a decimal dollar amount is held exactly and printed plainly")
    void decimalDollarsAreExact() {
        // given
        Money money = Money.ofUsd("12.50");

        // then
        assertThat(money.nanos()).isEqualTo(12_500_000_000L);
        assertThat(money.toUsdString()).isEqualTo("12.5");
        assertThat(money).hasToString("$12.5");
        assertThat(Money.ZERO.toUsdString()).isEqualTo("0");
        assertThat(Money.ofMicros(1).nanos()).isEqualTo(1_000);
    }

    @Test
    @DisplayName("an amount finer than a nano-dollar rounds up, so a budget is never understated")
    void finerThanANanoRoundsUp() {
        assertThat(Money.ofUsd("0.0000000001").nanos()).isEqualTo(1);
        assertThat(Money.ofUsd("0.0000000010").nanos()).isEqualTo(1);
        assertThat(Money.ofUsd("0.0000000011").nanos()).isEqualTo(2);
    }

    @Test
    @DisplayName("money is never negative")
    void neverNegative() {
        assertThatThrownBy(() -> Money.ofNanos(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.ofUsd("-0.01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.ofNanos(5).times(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Money.ofNanos(5).minusFloorZero(Money.ofNanos(7))).isEqualTo(Money.ZERO);
    }

    @Test
    @DisplayName("past about $9.2 billion every operation throws instead of wrapping")
    void overflowThrows() {
        // given
        Money max = Money.ofNanos(Long.MAX_VALUE);

        // then
        assertThat(max.toUsdString()).isEqualTo("9223372036.854775807");
        assertThatThrownBy(() -> max.plus(Money.ofNanos(1))).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> max.times(2)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.ofUsd("9223372037")).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.ofMicros(Long.MAX_VALUE / 100)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    @DisplayName("comparison follows the amount")
    void comparesByAmount() {
        assertThat(Money.ofUsd("0.02").exceeds(Money.ofUsd("0.01"))).isTrue();
        assertThat(Money.ofUsd("0.01").exceeds(Money.ofUsd("0.01"))).isFalse();
        assertThat(Money.ofUsd("0.01")).isLessThan(Money.ofUsd("0.02"));
        assertThat(Money.ofUsd("0")).isEqualTo(Money.ZERO);
        assertThat(Money.ZERO.isZero()).isTrue();
    }
}

package dev.llmrouter.domain.money;

import java.math.BigDecimal;

/**
 * An exact amount of US dollars, held as a whole number of nano-dollars (10<sup>-9</sup> USD).
 *
 * <p>Why nano-dollars: every Azure OpenAI list price is quoted to at most three decimals per million
 * tokens (for example $0.025 / 1M for cached gpt-4.1-nano input), which is a whole number of
 * nano-dollars per token. So a cost is a sum of integer products and never needs rounding. A
 * {@code long} of nano-dollars holds about 9.2 billion dollars; every operation that could leave that
 * range throws {@link ArithmeticException} instead of wrapping.
 *
 * <p>Rounding rule (the only one): conversion <em>from</em> a decimal amount that is finer than one
 * nano-dollar rounds up (ceiling), so that a budget is never understated. Conversion to a decimal is
 * always exact.
 */
public record Money(long nanos) implements Comparable<Money> {

    public static final Money ZERO = new Money(0);
    private static final long NANOS_PER_USD = 1_000_000_000L;

    public Money {
        if (nanos < 0) {
            throw new IllegalArgumentException("money cannot be negative: " + nanos + " nano-USD");
        }
    }

    public static Money ofNanos(long nanos) {
        return nanos == 0 ? ZERO : new Money(nanos);
    }

    public static Money ofMicros(long micros) {
        return ofNanos(Math.multiplyExact(micros, 1_000L));
    }

    /** Parses a decimal dollar amount such as {@code "12.50"}; finer than a nano-dollar rounds up. */
    public static Money ofUsd(String usd) {
        return ofUsd(new BigDecimal(usd));
    }

    public static Money ofUsd(BigDecimal usd) {
        BigDecimal nanos = usd.movePointRight(9).setScale(0, java.math.RoundingMode.CEILING);
        return ofNanos(nanos.longValueExact());
    }

    public Money plus(Money other) {
        return ofNanos(Math.addExact(nanos, other.nanos));
    }

    /** This minus {@code other}, never below zero. */
    public Money minusFloorZero(Money other) {
        return ofNanos(Math.max(0, nanos - other.nanos));
    }

    public Money times(long factor) {
        return ofNanos(Math.multiplyExact(nanos, factor));
    }

    public boolean isZero() {
        return nanos == 0;
    }

    public boolean exceeds(Money other) {
        return nanos > other.nanos;
    }

    public BigDecimal toUsd() {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }

    /** Plain decimal dollars, for headers and JSON (e.g. {@code "0.0125"}). */
    public String toUsdString() {
        return nanos == 0 ? "0" : toUsd().toPlainString();
    }

    @Override
    public int compareTo(Money o) {
        return Long.compare(nanos, o.nanos);
    }

    @Override
    public String toString() {
        return "$" + toUsdString();
    }

    static long nanosPerUsd() {
        return NANOS_PER_USD;
    }
}

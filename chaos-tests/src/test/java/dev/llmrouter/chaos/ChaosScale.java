package dev.llmrouter.chaos;

import java.time.Duration;

/**
 * How hard the suite pushes: {@code -Dchaos.scale=N} multiplies request counts and fault durations
 * (the soak profile sets 10). Client counts grow more gently, as the square root, so that a soak run
 * stays within a 2-core machine's means. Breaker timings do not scale: they are the configuration
 * under test.
 */
final class ChaosScale {

    private ChaosScale() {}

    static int factor() {
        try {
            return Math.max(1, Integer.parseInt(System.getProperty("chaos.scale", "1").trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    static int requests(int base) {
        return base * factor();
    }

    static int clients(int base) {
        return (int) Math.round(base * Math.sqrt(factor()));
    }

    static Duration duration(Duration base) {
        return base.multipliedBy(factor());
    }
}

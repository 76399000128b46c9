package dev.llmrouter.chaos;

import java.time.Duration;

/**
 * How hard the suite pushes: {@code -Dchaos.scale=N} multiplies request counts and fault durations
 * (the soak profile sets 10). Client counts grow more gently, as the square root and at most to 96, so
 * that a soak run stays within a 2-core machine's means. Breaker timings do not scale: they are the configuration
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

    /**
     * At most {@value #MAX_CLIENTS}: beyond that the callers' own threads, not the gateway, would be
     * what a 2-core machine spends its time on, and each fake deployment serves at most 128 requests
     * at once.
     */
    static int clients(int base) {
        return (int) Math.min(MAX_CLIENTS, Math.round(base * Math.sqrt(factor())));
    }

    static final int MAX_CLIENTS = 96;

    static Duration duration(Duration base) {
        return base.multipliedBy(factor());
    }
}

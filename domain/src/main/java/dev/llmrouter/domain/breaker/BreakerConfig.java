package dev.llmrouter.domain.breaker;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one deployment's circuit breaker (Requirements 6.1–6.4). Every value is
 * configurable; {@link #defaults()} gives the documented defaults.
 *
 * <ul>
 *   <li>{@code window}: the calls the failure rate is measured over; default the last 20 calls
 *       ({@link WindowSpec#lastCalls}), or a time-based window ({@link WindowSpec#lastDuration}, 10 s
 *       is the usual choice).</li>
 *   <li>{@code minimumCalls}: the window must hold at least this many calls before the rate can open
 *       the breaker, so that one failure of the first call does not (default 5).</li>
 *   <li>{@code failureRateThreshold}: in whole percent, 1..100; the breaker opens when
 *       {@code failures / calls >= threshold} (compared exactly as
 *       {@code failures × 100 >= threshold × calls}; default 50).</li>
 *   <li>{@code slowCallThreshold}: if present, a successful call that took strictly longer counts as
 *       a failure (a deployment that answers in 40 s is as useless as one that fails); default none.</li>
 *   <li>{@code openDuration}: how long the breaker refuses calls after opening (default 30 s).</li>
 *   <li>{@code openDurationMultiplier}: each failed half-open probe reopens the breaker for this many
 *       times the previous open duration (default 2)...</li>
 *   <li>{@code maxOpenDuration}: ...but never longer than this cap (default 5 min).</li>
 *   <li>{@code halfOpenProbes}: how many trial calls half-open admits; all must succeed to close
 *       (default 3).</li>
 * </ul>
 */
public record BreakerConfig(
        WindowSpec window,
        int minimumCalls,
        int failureRateThreshold,
        Optional<Duration> slowCallThreshold,
        Duration openDuration,
        int openDurationMultiplier,
        Duration maxOpenDuration,
        int halfOpenProbes) {

    public static final int DEFAULT_WINDOW_SIZE = 20;
    public static final Duration DEFAULT_WINDOW_SPAN = Duration.ofSeconds(10);
    public static final int DEFAULT_MINIMUM_CALLS = 5;
    public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(30);
    public static final int DEFAULT_OPEN_DURATION_MULTIPLIER = 2;
    public static final Duration DEFAULT_MAX_OPEN_DURATION = Duration.ofMinutes(5);
    public static final int DEFAULT_HALF_OPEN_PROBES = 3;

    private static final BreakerConfig DEFAULTS = new BreakerConfig(
            WindowSpec.lastCalls(DEFAULT_WINDOW_SIZE), DEFAULT_MINIMUM_CALLS, DEFAULT_FAILURE_RATE_THRESHOLD,
            Optional.empty(), DEFAULT_OPEN_DURATION, DEFAULT_OPEN_DURATION_MULTIPLIER,
            DEFAULT_MAX_OPEN_DURATION, DEFAULT_HALF_OPEN_PROBES);

    public BreakerConfig {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(slowCallThreshold, "slowCallThreshold (use Optional.empty())");
        Objects.requireNonNull(openDuration, "openDuration");
        Objects.requireNonNull(maxOpenDuration, "maxOpenDuration");
        check(minimumCalls >= 1, "minimum calls must be at least 1, got %s", minimumCalls);
        if (window instanceof WindowSpec.LastCalls lastCalls) {
            // A minimum larger than the window could never be met: the breaker would never open.
            check(minimumCalls <= lastCalls.size(),
                    "minimum calls (%s) cannot exceed the window size (%s)", minimumCalls, lastCalls.size());
        }
        check(failureRateThreshold >= 1 && failureRateThreshold <= 100,
                "failure rate threshold must be 1..100 %%, got %s", failureRateThreshold);
        slowCallThreshold.ifPresent(slow -> check(slow.compareTo(Duration.ZERO) > 0,
                "slow-call threshold must be positive, got %s", slow));
        check(openDuration.compareTo(Duration.ZERO) > 0, "open duration must be positive, got %s", openDuration);
        check(openDurationMultiplier >= 1, "open duration multiplier must be at least 1, got %s",
                openDurationMultiplier);
        check(maxOpenDuration.compareTo(openDuration) >= 0,
                "max open duration (%s) cannot be shorter than the open duration (%s)", maxOpenDuration, openDuration);
        check(maxOpenDuration.compareTo(Duration.ofDays(1)) <= 0,
                "max open duration must be at most 1 day, got %s", maxOpenDuration);
        check(halfOpenProbes >= 1 && halfOpenProbes <= 1_000,
                "half-open probes must be 1..1000, got %s", halfOpenProbes);
    }

    /** 20-call window, 5 minimum calls, 50 %, no slow-call rule, open 30 s ×2 up to 5 min, 3 probes. */
    public static BreakerConfig defaults() {
        return DEFAULTS;
    }

    public BreakerConfig withWindow(WindowSpec newWindow) {
        return new BreakerConfig(newWindow, minimumCalls, failureRateThreshold, slowCallThreshold, openDuration,
                openDurationMultiplier, maxOpenDuration, halfOpenProbes);
    }

    public BreakerConfig withMinimumCalls(int calls) {
        return new BreakerConfig(window, calls, failureRateThreshold, slowCallThreshold, openDuration,
                openDurationMultiplier, maxOpenDuration, halfOpenProbes);
    }

    public BreakerConfig withFailureRateThreshold(int percent) {
        return new BreakerConfig(window, minimumCalls, percent, slowCallThreshold, openDuration,
                openDurationMultiplier, maxOpenDuration, halfOpenProbes);
    }

    public BreakerConfig withSlowCallThreshold(Duration slow) {
        return new BreakerConfig(window, minimumCalls, failureRateThreshold, Optional.of(slow), openDuration,
                openDurationMultiplier, maxOpenDuration, halfOpenProbes);
    }

    public BreakerConfig withoutSlowCallThreshold() {
        return new BreakerConfig(window, minimumCalls, failureRateThreshold, Optional.empty(), openDuration,
                openDurationMultiplier, maxOpenDuration, halfOpenProbes);
    }

    public BreakerConfig withOpenDuration(Duration open) {
        return new BreakerConfig(window, minimumCalls, failureRateThreshold, slowCallThreshold, open,
                openDurationMultiplier, maxOpenDuration, halfOpenProbes);
    }

    public BreakerConfig withOpenDurationMultiplier(int multiplier) {
        return new BreakerConfig(window, minimumCalls, failureRateThreshold, slowCallThreshold, openDuration,
                multiplier, maxOpenDuration, halfOpenProbes);
    }

    public BreakerConfig withMaxOpenDuration(Duration max) {
        return new BreakerConfig(window, minimumCalls, failureRateThreshold, slowCallThreshold, openDuration,
                openDurationMultiplier, max, halfOpenProbes);
    }

    public BreakerConfig withHalfOpenProbes(int probes) {
        return new BreakerConfig(window, minimumCalls, failureRateThreshold, slowCallThreshold, openDuration,
                openDurationMultiplier, maxOpenDuration, probes);
    }

    /**
     * How long the breaker stays open after {@code reopens} consecutive failed half-open episodes:
     * {@code min(maxOpenDuration, openDuration × multiplier^reopens)}, in nanoseconds. The first opening
     * (from closed) has {@code reopens = 0}. Computed without overflow: growth stops at the cap.
     */
    public long openDurationNanos(int reopens) {
        long cap = maxOpenDuration.toNanos();
        long nanos = openDuration.toNanos();
        for (int i = 0; i < reopens && nanos < cap; i++) {
            nanos = nanos > cap / openDurationMultiplier ? cap : nanos * openDurationMultiplier;
            if (openDurationMultiplier == 1) {
                break;
            }
        }
        return Math.min(nanos, cap);
    }

    private static void check(boolean condition, String message, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(message, args));
        }
    }
}

package dev.llmrouter.app.config;

import dev.llmrouter.domain.breaker.BreakerConfig;
import dev.llmrouter.domain.breaker.WindowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One deployment's circuit-breaker settings as configured (Requirements 6.1–6.4), with the same
 * meaning and defaults as the domain's breaker configuration, into which the wiring turns them.
 *
 * @param windowCalls          count-based window: the last N calls (unused when the window is time-based)
 * @param windowDuration       time-based window: calls in the last span (empty when count-based)
 * @param minimumCalls         calls the window must hold before the rate may open the breaker
 * @param failureRateThreshold whole percent, 1..100
 * @param slowCallThreshold    a success slower than this counts as a failure, if set
 * @param openDuration         how long an opened breaker refuses calls
 * @param openDurationMultiplier growth of the open duration after each failed probe
 * @param maxOpenDuration      the cap of that growth
 * @param halfOpenProbes       trial calls admitted half-open
 */
public record BreakerSettings(
        int windowCalls,
        Optional<Duration> windowDuration,
        int minimumCalls,
        int failureRateThreshold,
        Optional<Duration> slowCallThreshold,
        Duration openDuration,
        int openDurationMultiplier,
        Duration maxOpenDuration,
        int halfOpenProbes) {

    /**
     * The domain's defaults, taken from {@link BreakerConfig} so the two cannot drift: 20-call window,
     * 5 minimum calls, 50 %, no slow-call rule, open 30 s ×2 up to 5 min, 3 probes.
     */
    public static final BreakerSettings DEFAULTS = new BreakerSettings(BreakerConfig.DEFAULT_WINDOW_SIZE,
            Optional.empty(), BreakerConfig.DEFAULT_MINIMUM_CALLS, BreakerConfig.DEFAULT_FAILURE_RATE_THRESHOLD,
            Optional.empty(), BreakerConfig.DEFAULT_OPEN_DURATION, BreakerConfig.DEFAULT_OPEN_DURATION_MULTIPLIER,
            BreakerConfig.DEFAULT_MAX_OPEN_DURATION, BreakerConfig.DEFAULT_HALF_OPEN_PROBES);

    public BreakerSettings {
        Objects.requireNonNull(windowDuration, "windowDuration");
        Objects.requireNonNull(slowCallThreshold, "slowCallThreshold");
        Objects.requireNonNull(openDuration, "openDuration");
        Objects.requireNonNull(maxOpenDuration, "maxOpenDuration");
    }

    /**
     * The problems of these settings that no single key shows, as messages naming the keys; empty
     * when valid. The bounds of each key are stated on {@link ConfigFile.BreakerEntry} and checked
     * where the file is bound; these are the rules between keys, and the domain's own.
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (windowDuration.isEmpty() && minimumCalls > windowCalls) {
            out.add("minimum-calls (" + minimumCalls + ") cannot exceed window-calls (" + windowCalls
                    + "): the breaker could never open");
        }
        if (maxOpenDuration.compareTo(openDuration) < 0) {
            out.add("max-open-duration (" + maxOpenDuration + ") cannot be shorter than open-duration (" + openDuration + ")");
        }
        if (out.isEmpty()) {
            try {
                toBreakerConfig(); // the domain's own rules, should they ever be stricter than the file's
            } catch (IllegalArgumentException e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /** The domain's breaker configuration; call only on settings without {@link #problems()}. */
    public BreakerConfig toBreakerConfig() {
        WindowSpec window = windowDuration.map(WindowSpec::lastDuration).orElseGet(() -> WindowSpec.lastCalls(windowCalls));
        return new BreakerConfig(window, minimumCalls, failureRateThreshold, slowCallThreshold, openDuration,
                openDurationMultiplier, maxOpenDuration, halfOpenProbes);
    }
}

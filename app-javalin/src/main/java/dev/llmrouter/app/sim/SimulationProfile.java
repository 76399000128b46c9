package dev.llmrouter.app.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How one simulated deployment behaves: its latency and the faults it injects.
 *
 * <p>Each call draws one uniform number {@code u} in [0, 1) and falls into one band, in this order:
 * {@code u < failureRate} → a 500 or 503; then {@code throttleRate} → a 429 with
 * {@code retryAfter}; then {@code slowRate} → a success that takes {@code slowLatency}; the rest →
 * a normal success after {@code latency}. A stream that started may, with {@code streamCutRate},
 * be cut half-way (a connection reset after content was sent). Rates are probabilities; their sum
 * (without the cut rate, which is drawn apart) is at most 1.
 *
 * @param latency       time to the first byte of a normal answer
 * @param chunkDelay    pause between stream chunks (real but small, so a demo visibly streams)
 * @param failureRate   share of calls answered with a 5xx
 * @param throttleRate  share of calls answered with 429
 * @param retryAfter    the {@code Retry-After} of a 429
 * @param slowRate      share of calls answered slowly
 * @param slowLatency   time to the first byte of a slow answer (beyond the attempt timeout it times out)
 * @param streamCutRate share of streams cut after the first content chunks
 * @param seed          seed of the deployment's random generator: the same seed gives the same faults
 * @param tokensPerMinute   the deployment's simulated token quota per clock minute, reported on every
 *                          answer as Azure does ({@code x-ratelimit-remaining-tokens}); a call past it
 *                          is a 429 until the minute ends; 0: none reported, none enforced
 * @param requestsPerMinute likewise for requests ({@code x-ratelimit-remaining-requests})
 */
public record SimulationProfile(
        Duration latency,
        Duration chunkDelay,
        double failureRate,
        double throttleRate,
        Duration retryAfter,
        double slowRate,
        Duration slowLatency,
        double streamCutRate,
        long seed,
        long tokensPerMinute,
        long requestsPerMinute) {

    public static final Duration DEFAULT_LATENCY = Duration.ofMillis(40);
    public static final Duration DEFAULT_CHUNK_DELAY = Duration.ofMillis(4);
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SLOW_LATENCY = Duration.ofSeconds(3);

    public SimulationProfile {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(chunkDelay, "chunkDelay");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(slowLatency, "slowLatency");
        for (double rate : new double[] {failureRate, throttleRate, slowRate, streamCutRate}) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("rates must be between 0 and 1");
            }
        }
        if (failureRate + throttleRate + slowRate > 1.0 + 1e-9) {
            throw new IllegalArgumentException("failure, throttle and slow rates add up to more than 1");
        }
    }

    /** A deployment that reports no quota. */
    public SimulationProfile(Duration latency, Duration chunkDelay, double failureRate, double throttleRate,
            Duration retryAfter, double slowRate, Duration slowLatency, double streamCutRate, long seed) {
        this(latency, chunkDelay, failureRate, throttleRate, retryAfter, slowRate, slowLatency, streamCutRate, seed, 0, 0);
    }

    /** A healthy, fast deployment: no faults, default latency. */
    public static SimulationProfile healthy(long seed) {
        return new SimulationProfile(DEFAULT_LATENCY, DEFAULT_CHUNK_DELAY, 0, 0, DEFAULT_RETRY_AFTER, 0,
                DEFAULT_SLOW_LATENCY, 0, seed);
    }

    /** No latency at all: for tests that must not wait. */
    public static SimulationProfile instant(long seed) {
        return new SimulationProfile(Duration.ZERO, Duration.ZERO, 0, 0, DEFAULT_RETRY_AFTER, 0, Duration.ZERO, 0, seed);
    }

    public SimulationProfile withFaults(double failure, double throttle, double slow) {
        return new SimulationProfile(latency, chunkDelay, failure, throttle, retryAfter, slow, slowLatency,
                streamCutRate, seed);
    }

    public SimulationProfile withStreamCutRate(double rate) {
        return new SimulationProfile(latency, chunkDelay, failureRate, throttleRate, retryAfter, slowRate,
                slowLatency, rate, seed);
    }
}

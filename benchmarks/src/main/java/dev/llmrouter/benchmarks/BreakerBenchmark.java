package dev.llmrouter.benchmarks;

import dev.llmrouter.domain.breaker.BreakerConfig;
import dev.llmrouter.domain.breaker.EpochNanos;
import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The circuit breaker's cost on every call: ask for a permit, then record a success, on a closed
 * breaker with default settings (count window of the last calls), for llm-router's
 * {@link dev.llmrouter.domain.breaker.CircuitBreaker}, Failsafe's and Resilience4j's.
 *
 * <ul>
 *   <li>{@code llmRouterGivenNow}: our breaker with {@code now} given, the clock read by nobody (the
 *       cost of the breaker alone; not comparable with the peers, which read their clocks).</li>
 *   <li>{@code llmRouterReadingClock}: our breaker as the router drives it: the injected
 *       {@link InstantSource} (here the system's, as in the gateway) read for the permit and again for
 *       the outcome, converted to epoch nanoseconds. Failsafe and Resilience4j read their clocks
 *       inside, so this is the variant to compare with them.</li>
 *   <li>{@code failsafe}: {@code CircuitBreaker.ofDefaults()}, {@code tryAcquirePermit()},
 *       {@code recordSuccess()}.</li>
 *   <li>{@code resilience4j}: {@code CircuitBreaker.ofDefaults("x")}, {@code tryAcquirePermission()},
 *       {@code onSuccess(0, NANOSECONDS)}.</li>
 * </ul>
 * The {@code ...Mixed} variants fail one call in ten (10 %, below every breaker's 50 % threshold, so
 * they stay closed): a healthy-but-imperfect deployment, where each breaker's window really changes
 * (ours then allocates its next immutable state, 48 bytes per outcome; with only successes its full
 * window of successes is left as it is and nothing is allocated).
 * Every breaker is built once per trial; the measured loop allocates only what the breakers
 * themselves allocate (see {@code -prof gc}).
 *
 * <p>Run (after {@code ./mvnw -q -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar BreakerBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s
 * java -jar benchmarks/target/benchmarks.jar BreakerBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc
 * java -jar benchmarks/target/benchmarks.jar BreakerBenchmark -t 4     # contended, 4 threads, one breaker
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BreakerBenchmark {

    private static final long NOW = EpochNanos.of(Instant.parse("2026-01-01T00:00:00Z"));
    private static final long DURATION_NANOS = 150_000_000L;

    private dev.llmrouter.domain.breaker.CircuitBreaker ours;
    private dev.failsafe.CircuitBreaker<Object> failsafe;
    private io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j;
    private InstantSource clock;
    private int calls;
    private static final Exception FAILURE = new Exception("upstream 503", null, false, false) { };

    @Setup(Level.Trial)
    public void setUp() {
        ours = new dev.llmrouter.domain.breaker.CircuitBreaker(DeploymentId.of("bench"), BreakerConfig.defaults());
        failsafe = dev.failsafe.CircuitBreaker.ofDefaults();
        resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("x");
        clock = InstantSource.system();
    }

    @Benchmark
    public boolean llmRouterGivenNow() {
        boolean permitted = ours.tryAcquirePermission(NOW);
        ours.onSuccess(DURATION_NANOS, NOW);
        return permitted;
    }

    @Benchmark
    public boolean llmRouterReadingClock() {
        boolean permitted = ours.tryAcquirePermission(EpochNanos.of(clock.instant()));
        ours.onSuccess(DURATION_NANOS, EpochNanos.of(clock.instant()));
        return permitted;
    }

    @Benchmark
    public boolean failsafe() {
        boolean permitted = failsafe.tryAcquirePermit();
        failsafe.recordSuccess();
        return permitted;
    }

    @Benchmark
    public boolean llmRouterMixedGivenNow() {
        boolean permitted = ours.tryAcquirePermission(NOW);
        if (++calls % 10 == 0) {
            ours.onFailure(DURATION_NANOS, NOW);
        } else {
            ours.onSuccess(DURATION_NANOS, NOW);
        }
        return permitted;
    }

    @Benchmark
    public boolean llmRouterMixedReadingClock() {
        boolean permitted = ours.tryAcquirePermission(EpochNanos.of(clock.instant()));
        if (++calls % 10 == 0) {
            ours.onFailure(DURATION_NANOS, EpochNanos.of(clock.instant()));
        } else {
            ours.onSuccess(DURATION_NANOS, EpochNanos.of(clock.instant()));
        }
        return permitted;
    }

    @Benchmark
    public boolean failsafeMixed() {
        boolean permitted = failsafe.tryAcquirePermit();
        if (++calls % 10 == 0) {
            failsafe.recordFailure();
        } else {
            failsafe.recordSuccess();
        }
        return permitted;
    }

    @Benchmark
    public boolean resilience4jMixed() {
        boolean permitted = resilience4j.tryAcquirePermission();
        if (++calls % 10 == 0) {
            resilience4j.onError(0, TimeUnit.NANOSECONDS, FAILURE);
        } else {
            resilience4j.onSuccess(0, TimeUnit.NANOSECONDS);
        }
        return permitted;
    }

    @Benchmark
    public boolean resilience4j() {
        boolean permitted = resilience4j.tryAcquirePermission();
        resilience4j.onSuccess(0, TimeUnit.NANOSECONDS);
        return permitted;
    }
}

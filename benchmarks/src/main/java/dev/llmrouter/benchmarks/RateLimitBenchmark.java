package dev.llmrouter.benchmarks;

import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.ratelimit.RateDecision;
import dev.llmrouter.ports.ratelimit.RateAnswer;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.ratelimit.RollingWindowLimiter;
import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One admission check: our rolling-minute limiter against Bucket4j's token bucket and
 * Resilience4j's rate limiter, all configured so that every call is admitted (the common path).
 *
 * <p>Every variant reads its clock on every call, as the peers read theirs: ours through a nanosecond
 * ticker backed by {@code System.nanoTime()}, the port through its own default one, as in the gateway.
 *
 * <ul>
 *   <li>{@code rollingWindow}: the domain algorithm alone behind a monitor (one account's holder),
 *       reading the ticker, requests and tokens;</li>
 *   <li>{@code rollingWindowRequestsOnly}: the same with a requests-per-minute limit only: one
 *       dimension on one pre-resolved limiter, the like-for-like comparison with the libraries;</li>
 *   <li>{@code accountRateLimiter}: the port as the router calls it: per-account lookup in the
 *       account map, the entry lock, requests and tokens checked together;</li>
 *   <li>{@code accountRateLimiterRequestsOnly}: the port with a requests-per-minute limit only;</li>
 *   <li>{@code accountRateLimiterWithStatus}: the port, then reading the status the
 *       {@code x-ratelimit-*} headers are written from (what an admitted request costs when the
 *       caller reports its headers);</li>
 *   <li>{@code bucket4j}: {@code Bucket.tryConsume(1)}, one lock-free bucket, requests only;</li>
 *   <li>{@code resilience4j}: {@code RateLimiter.acquirePermission()}, one limiter, requests only.</li>
 * </ul>
 * The libraries check one dimension on one pre-resolved limiter with a token bucket (which admits up
 * to {@code 2L - 1} in a rolling minute); ours keeps the exact rolling minute, and the two-dimension
 * and port variants add the tokens check and the account lookup on top.
 *
 * <p>Run (one invocation, so that every variant shares the machine's conditions):
 * {@code ./mvnw -q -pl benchmarks -am package -DskipTests &&
 * java -jar benchmarks/target/benchmarks.jar RateLimitBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RateLimitBenchmark {

    /** High enough that nothing is refused during a run (Bucket4j refills at most 1 token/ns: 6e10 a minute). */
    private static final long LIMIT = 50_000_000_000L;
    /**
     * Tokens per minute: 1,000 tokens a call at tens of millions of calls a second would use up
     * {@code LIMIT} within seconds and move the run onto the refusal path.
     */
    private static final long TOKEN_LIMIT = 1L << 60;
    private static final RateLimits LIMITS = new RateLimits(LIMIT, TOKEN_LIMIT);
    private static final RateLimits REQUESTS_ONLY = new RateLimits(LIMIT, 0);

    private final LongSupplier ticker = System::nanoTime;
    private RollingWindowLimiter rollingWindow;
    private InMemoryAccountRateLimiter accountRateLimiter;
    private Bucket bucket;
    private RateLimiter resilience4j;

    @Setup
    public void setUp() {
        rollingWindow = new RollingWindowLimiter(InMemoryAccountRateLimiter.DEFAULT_GRANULARITY.toNanos());
        accountRateLimiter = new InMemoryAccountRateLimiter();
        bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(LIMIT).refillGreedy(LIMIT, Duration.ofMinutes(1)).build())
                .build();
        resilience4j = RateLimiter.of("bench", RateLimiterConfig.custom()
                // Resilience4j counts in an int per period: a one-second period keeps it from running out.
                .limitForPeriod(Integer.MAX_VALUE)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    /** Every variant must have measured the admitted path: fail the run if a limit was reached. */
    @TearDown
    public void stillAdmitting() {
        synchronized (rollingWindow) {
            check(rollingWindow.tryAcquire(LIMITS, 1_000, ticker.getAsLong()).isAllowed());
        }
        check(allowed(accountRateLimiter.tryAcquire("account-0", LIMITS, 1_000)));
        check(bucket.tryConsume(1));
        check(resilience4j.acquirePermission());
    }

    private static boolean allowed(RateAnswer answer) {
        return answer instanceof RateAnswer.Decided decided && decided.decision().isAllowed();
    }

    private static void check(boolean admitted) {
        if (!admitted) {
            throw new IllegalStateException("a limiter refused during the run: the limits are too low");
        }
    }

    @Benchmark
    public boolean rollingWindow() {
        synchronized (rollingWindow) {
            return rollingWindow.tryAcquire(LIMITS, 1_000, ticker.getAsLong()).isAllowed();
        }
    }

    @Benchmark
    public boolean rollingWindowRequestsOnly() {
        synchronized (rollingWindow) {
            return rollingWindow.tryAcquire(REQUESTS_ONLY, 1_000, ticker.getAsLong()).isAllowed();
        }
    }

    @Benchmark
    public boolean accountRateLimiter() {
        return allowed(accountRateLimiter.tryAcquire("account-0", LIMITS, 1_000));
    }

    @Benchmark
    public boolean accountRateLimiterRequestsOnly() {
        return allowed(accountRateLimiter.tryAcquire("account-0", REQUESTS_ONLY, 1_000));
    }

    @Benchmark
    public long accountRateLimiterWithStatus() {
        RateDecision decision = ((RateAnswer.Decided) accountRateLimiter.tryAcquire("account-0", LIMITS, 1_000)).decision();
        RateLimitStatus status = decision.status();
        return status.requests().remaining() + status.tokens().remaining() + status.tokens().reset().getNano();
    }

    @Benchmark
    public boolean bucket4j() {
        return bucket.tryConsume(1);
    }

    @Benchmark
    public boolean resilience4j() {
        return resilience4j.acquirePermission();
    }
}

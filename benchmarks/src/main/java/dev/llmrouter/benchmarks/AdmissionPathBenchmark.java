package dev.llmrouter.benchmarks;

import dev.llmrouter.adapters.azure.ChatBodyReader;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageSummary;
import dev.llmrouter.domain.usage.UsageTotals;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.adapters.inmemory.InMemoryAccountRateLimiter;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.ports.usage.UsageLedger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole admission path of one request: {@link Router#complete} (and {@link Router#stream}) end to
 * end — prompt estimate, route, breaker permit, account rate limit, quota reserve, the call, breaker
 * outcome, cost, usage record, quota settle, telemetry — over an in-memory {@link ChatEndpoint} that
 * answers at once with a pre-built {@link ChatReply}. What is measured is the router's own overhead
 * per request, the part added to every call's upstream latency.
 *
 * <h2>What is real</h2>
 * The router's default {@code BreakerDeploymentHealth} (the domain's circuit breakers), a real
 * {@link InMemoryAccountRateLimiter} and a real {@link InMemoryQuotaStore}, the system clock and
 * {@code System::nanoTime} ticker (as in production), and the default request id supplier (the
 * commands carry no id, as a client sending no {@code x-request-id} would). The plan has rate limits
 * and a monthly quota far above what any run can reach (10^12 requests and 10^15 tokens per minute,
 * 10^9 USD and 10^17 tokens per month), so the limiter and the quota take their real limited paths
 * yet never refuse; {@link #checkServed} fails the run if a single request in an iteration was not
 * served, so a figure never includes a refusal.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>{@code shape}: {@code downgrade} — a free-plan caller asks for {@code premium} and is
 *       downgraded to economy (gpt-35-turbo, three-deployment chain); {@code residency} — an
 *       enterprise caller asks for {@code premium} within the EU, preferring swedencentral (the chain
 *       is filtered to EU deployments).</li>
 *   <li>{@code ledger}: {@code bounded} — <b>the headline</b>: the real {@link InMemoryUsageLedger}
 *       keeping at most 1,000 records per account, so memory stays flat across the run and each
 *       append also evicts the oldest record (the steady state of a long-running process);
 *       {@code counting} — a ledger that only counts, to separate the ledger's own cost from the
 *       router's.</li>
 * </ul>
 *
 * <h2>Benchmarks</h2>
 * <ul>
 *   <li>{@code complete}: one non-streaming request.</li>
 *   <li>{@code stream}: the same request streamed: the fake stream yields one content chunk and a
 *       usage chunk; the listener drops every chunk.</li>
 *   <li>{@code completeTwoThreads}: {@code complete} from two threads for the same account, so the
 *       rate limiter's and the quota month's per-account locks, the breakers and the ledger's account
 *       log are contended (the figure is per request per thread).</li>
 * </ul>
 * Targets: under 2 µs and under 2 KB allocated per request ({@code gc.alloc.rate.norm}) on a 2-core
 * machine.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests &&
 * java -jar benchmarks/target/benchmarks.jar AdmissionPathBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdmissionPathBenchmark {

    private static final String BODY = "{\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},"
            + "{\"role\":\"user\",\"content\":\"Summarise the three main causes of the French Revolution in two "
            + "sentences each, for a reader who knows nothing of the period.\"}],\"temperature\":0.2}";

    @Param({"downgrade", "residency"})
    public String shape;

    @Param({"bounded", "counting"})
    public String ledger;

    private Router router;
    private ChatCommand command;
    private StreamListener dropChunks;
    private final AtomicLong notServed = new AtomicLong();
    private volatile ChatOutcome lastNotServed;

    @Setup(Level.Trial)
    public void setUp() {
        RateLimits limits = new RateLimits(1_000_000_000_000L, 1_000_000_000_000_000L);
        Quota quota = Quota.of(Money.ofUsd("1000000000"), 100_000_000_000_000_000L);
        Plan free = Plan.builder("free").highestTier(Tier.ECONOMY)
                .defaultTier(Tier.ECONOMY).fallDown(false)
                .rateLimits(limits).quota(quota).build();
        Plan enterprise = Plan.builder("enterprise").highestTier(Tier.PREMIUM)
                .defaultTier(Tier.STANDARD).fallDown(true)
                .rateLimits(limits).quota(quota).build();
        // As the gateway hands a request over: its body read once and indexed.
        ChatRequest request = new ChatBodyReader(1 << 20).request(ChatOperation.CHAT, BODY.getBytes(StandardCharsets.UTF_8))
                .withMaxOutputTokens(256);
        command = switch (shape) {
            case "downgrade" -> new ChatCommand(new Caller("acct-bench", free, "bench", "summarise"), "premium",
                    null, Residency.ANY, true, request, "");
            case "residency" -> new ChatCommand(new Caller("acct-bench", enterprise, "bench", "summarise"), "premium",
                    "swedencentral", Residency.within(Geography.EU), true, request, "");
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
        UsageLedger usage = switch (ledger) {
            case "bounded" -> new InMemoryUsageLedger(1_000);
            case "counting" -> new CountingLedger();
            default -> throw new IllegalArgumentException("unknown ledger " + ledger);
        };
        router = Router.builder()
                .fleet(Fixtures.exampleFleet())
                .endpoint(new InstantEndpoint())
                .rateLimiter(new InMemoryAccountRateLimiter())
                .quotaStore(new InMemoryQuotaStore())
                .ledger(usage)
                .build();
        dropChunks = new DropChunks();
        // Fail fast on a command that does not route or is not admitted.
        for (ChatOutcome o : List.of(router.complete(command), router.stream(command, dropChunks))) {
            if (!(o instanceof ChatOutcome.Served)) {
                throw new IllegalStateException("benchmark request is not served: " + o);
            }
        }
    }

    /** A figure must never include a refusal or a failure: a single one fails the run. */
    @TearDown(Level.Iteration)
    public void checkServed() {
        long n = notServed.getAndSet(0);
        if (n > 0) {
            throw new IllegalStateException(n + " requests were not served, e.g. " + lastNotServed);
        }
    }

    @Benchmark
    public ChatOutcome complete() {
        return served(router.complete(command));
    }

    @Benchmark
    public ChatOutcome stream() {
        return served(router.stream(command, dropChunks));
    }

    @Benchmark
    @Threads(2)
    public ChatOutcome completeTwoThreads() {
        return served(router.complete(command));
    }

    private ChatOutcome served(ChatOutcome outcome) {
        if (!(outcome instanceof ChatOutcome.Served)) {
            notServed.incrementAndGet(); // the rare path only: no shared write while all is well
            lastNotServed = outcome;
        }
        return outcome;
    }

    /** Answers every call at once with the same reply; a stream of one content chunk and a usage chunk. */
    private static final class InstantEndpoint implements ChatEndpoint {
        private static final TokenUsage USAGE = new TokenUsage(61, 120);
        private static final ChatReply REPLY = new ChatReply(
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"...\"}}]}".getBytes(StandardCharsets.UTF_8),
                USAGE);
        private static final Optional<StreamChunk> CONTENT = Optional.of(new StreamChunk(
                "data: {\"choices\":[{\"delta\":{\"content\":\"...\"}}]}\n\n".getBytes(StandardCharsets.UTF_8),
                true, Optional.empty()));
        private static final Optional<StreamChunk> USAGE_ONLY = Optional.of(new StreamChunk(
                "data: {\"choices\":[],\"usage\":{}}\n\n".getBytes(StandardCharsets.UTF_8), false, Optional.of(USAGE)));

        @Override
        public ChatReply complete(ChatCall call) {
            return REPLY;
        }

        @Override
        public ChatStream openStream(ChatCall call) {
            return new ChatStream() {
                private int next;

                @Override
                public Optional<StreamChunk> next() {
                    return switch (next++) {
                        case 0 -> CONTENT;
                        case 1 -> USAGE_ONLY;
                        default -> Optional.empty();
                    };
                }

                @Override
                public TokenUsage usage() {
                    return USAGE;
                }

                @Override
                public boolean usageReported() {
                    return next > 1;
                }

                @Override
                public void close() {}
            };
        }
    }

    /** A caller who reads and drops every chunk. */
    private static final class DropChunks implements StreamListener {
        @Override
        public void onStart(RouteInfo route, RateLimitStatus rateLimit) {}

        @Override
        public boolean onChunk(StreamChunk chunk) {
            return true;
        }
    }

    /** Counts records and keeps none: the ledger's own cost left out. */
    private static final class CountingLedger implements UsageLedger {
        private final LongAdder appended = new LongAdder();

        @Override
        public void append(UsageRecord record) {
            appended.increment();
        }

        @Override
        public UsageSummary totals(String accountId, Instant from, Instant to, UsageDimension by) {
            return new UsageSummary(by, List.of(), UsageTotals.ZERO);
        }

        @Override
        public RecordPage records(String accountId, Instant from, Instant to, int limit, Optional<String> after) {
            return new RecordPage(List.of(), Optional.empty());
        }
    }
}

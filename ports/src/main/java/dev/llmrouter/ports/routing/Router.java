package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.balance.BalancingSettings;
import dev.llmrouter.domain.breaker.BreakerConfig;
import dev.llmrouter.domain.breaker.BreakerStatus;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.chat.ByteBoundEstimator;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.RateAndQuotaStore;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RouteChatUseCase;
import dev.llmrouter.ports.router.StreamListener;
import dev.llmrouter.ports.telemetry.RequestTrace;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import dev.llmrouter.ports.telemetry.RouterTracer;
import dev.llmrouter.ports.usage.UsageLedger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The router: the application service behind {@link RouteChatUseCase} and {@link DeploymentStatusQuery},
 * and the one place its parts are put together ({@link Builder}).
 *
 * <h2>One request, job by job</h2>
 * <ol>
 *   <li><b>Admission</b> ({@link AdmissionControl}): the cheap request-rate check, the prompt estimate,
 *       the route, the rate limit and the quota reservation, in that order; the answer is a sealed
 *       {@link Admission}, refused or admitted.</li>
 *   <li><b>The call</b>: the chain run by the {@link FallbackExecutor} (fallback, same-deployment
 *       retries, every report to the breakers), for a plain call ({@link PlainCall}) or a stream
 *       ({@link StreamRelay}, which relays chunks to the caller's {@link StreamListener}).</li>
 *   <li><b>The ending</b> ({@link UsageRecorder}): exactly one {@link UsageRecord}
 *       when at least one deployment was called, whatever the ending, and none otherwise
 *       (Requirement 5.1); the reservation settled to the actual cost or released.</li>
 * </ol>
 * Observers ({@link RouterTelemetry}) and the tracer ({@link RouterTracer}: one trace per request, one
 * per attempt) are guarded: a throwing observer is logged and swallowed.
 *
 * <p>Thread-safe: one router serves many requests at once.
 */
public final class Router implements RouteChatUseCase, DeploymentStatusQuery {

    private final Fleet fleet;
    private final InstantSource clock;
    private final DeploymentHealth health;
    private final UsageLedger ledger;
    private final AdmissionControl admission;
    private final PlainCall plain;
    private final StreamRelay streams;
    private final Balancing balancing;
    private final LongSupplier ticker;
    private final RouterTracer tracer;

    private Router(Builder b) {
        this.fleet = b.fleet;
        this.ticker = b.ticker;
        this.clock = b.clock;
        this.health = b.health;
        this.ledger = b.ledger;
        RetrySettings retry = b.retry;
        if (b.requestDeadline != null) {
            retry = retry.withRequestDeadline(b.requestDeadline);
        }
        if (b.attemptTimeout != null) {
            retry = retry.withAttemptTimeout(b.attemptTimeout);
        }
        RouterTelemetry telemetry = new GuardedTelemetry(b.telemetry);
        this.tracer = b.tracer == RouterTracer.NOOP ? RouterTracer.NOOP : new GuardedTracer(b.tracer);
        this.balancing = b.balancing;
        FallbackExecutor executor = new FallbackExecutor(b.health, retry, b.clock, b.ticker, b.balancing);
        UsageRecorder recorder = new UsageRecorder(b.fleet, b.ledger, telemetry, b.clock, b.ticker);
        this.admission = new AdmissionControl(b.fleet, b.health, b.estimator, b.clock, b.ticker,
                b.oneRoundTrip != null ? b.oneRoundTrip.rates() : b.rates,
                b.oneRoundTrip != null ? b.oneRoundTrip.quota() : b.quota, b.oneRoundTrip, telemetry,
                b.requestIds, retry);
        this.plain = new PlainCall(b.endpoint, executor, recorder);
        this.streams = new StreamRelay(b.endpoint, executor, recorder, b.ticker);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Fleet fleet() {
        return fleet;
    }

    /** The ledger records go to. */
    public UsageLedger ledger() {
        return ledger;
    }

    @Override
    public ChatOutcome complete(ChatCommand command) {
        RequestTrace trace = tracer.start(command);
        Admission admitted = admission.admit(command);
        if (admitted instanceof Admission.Refused refused) {
            trace.refused(refused.outcome().refusal());
            return refused.outcome();
        }
        return plain.run(routed((Admission.Admitted) admitted, trace), trace);
    }

    @Override
    public ChatOutcome stream(ChatCommand command, StreamListener listener) {
        Objects.requireNonNull(listener, "listener");
        ChatRequest asked = command.request();
        ChatCommand streaming = asked.stream() ? command : new ChatCommand(command.caller(), command.requested(),
                command.preferredRegion(), command.residency(), command.allowFallDown(),
                asked.streaming(asked.includeUsage()), command.requestId(), command.requiredDeployment());
        RequestTrace trace = tracer.start(streaming);
        Admission admitted = admission.admit(streaming);
        if (admitted instanceof Admission.Refused refused) {
            trace.refused(refused.outcome().refusal());
            return refused.outcome();
        }
        return streams.run(routed((Admission.Admitted) admitted, trace), listener, trace);
    }

    private static Admission.Admitted routed(Admission.Admitted a, RequestTrace trace) {
        if (trace != RequestTrace.NONE) {
            var routed = a.routed();
            trace.routed(routed.requestedTier(), routed.candidates().get(0).tier(), routed.downgrade(),
                    routed.candidates().size());
        }
        return a;
    }

    @Override
    public List<DeploymentStatus> deployments() {
        var now = clock.instant();
        long nowNanos = ticker.getAsLong();
        return fleet.deployments().stream()
                .map(d -> health.status(d, now).withLoad(balancing.board().slot(d.id()).snapshot(nowNanos)))
                .toList();
    }

    /** The balancing settings and the load this process has seen on each deployment. */
    public Balancing balancing() {
        return balancing;
    }

    /**
     * A random version 4 UUID from {@link ThreadLocalRandom}. A request id must be unique, not
     * unguessable, and {@link UUID#randomUUID()} draws from the shared {@code SecureRandom}: several
     * hundred nanoseconds per request, serialised across threads, more than the rest of admission.
     * 122 random bits keep collisions as unlikely as with {@code randomUUID}.
     */
    static String randomRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
        return new UUID(msb, lsb).toString();
    }

    // ---- assembly --------------------------------------------------------------------------------

    /**
     * Assembles a router. {@link #fleet}, {@link #endpoint} and {@link #ledger} are required; every other
     * part has a default suitable for embedding (default breakers, no limits, the system clock).
     */
    public static final class Builder {
        private Fleet fleet;
        private ChatEndpoint endpoint;
        private PromptTokenEstimator estimator = new ByteBoundEstimator();
        private InstantSource clock = InstantSource.system();
        private LongSupplier ticker = System::nanoTime;
        private DeploymentHealth health;
        private BreakerConfig breakerDefaults = BreakerConfig.defaults();
        private final Map<DeploymentId, BreakerConfig> breakerOverrides = new HashMap<>();
        private RetrySettings retry = RetrySettings.defaults();
        private Duration requestDeadline;
        private Duration attemptTimeout;
        private UsageLedger ledger;
        private RouterTelemetry telemetry = RouterTelemetry.NOOP;
        private RouterTracer tracer = RouterTracer.NOOP;
        private QuotaGate quota = QuotaGate.UNLIMITED;
        private RateGate rates = RateGate.UNLIMITED;
        /** Set by {@link #rateAndQuotaStore}; else the rate gate then the quota gate, one after the other. */
        private OneRoundTripGates oneRoundTrip;
        private Supplier<String> requestIds = Router::randomRequestId;
        private BalancingSettings balancingSettings = BalancingSettings.DEFAULTS;
        private Supplier<RandomGenerator> random = ThreadLocalRandom::current;
        private Balancing balancing;

        private Builder() {}

        /** The catalog, regions and deployments to route over. Required. */
        public Builder fleet(Fleet fleet) {
            this.fleet = Objects.requireNonNull(fleet, "fleet");
            return this;
        }

        /** Calls every deployment (the implementation dispatches on {@link ChatCall#candidate()}). Required. */
        public Builder endpoint(ChatEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** Prompt token estimates; default {@link ByteBoundEstimator} (no tokenizer needed). */
        public Builder estimator(PromptTokenEstimator estimator) {
            this.estimator = Objects.requireNonNull(estimator, "estimator");
            return this;
        }

        /** Wall time for breakers, cooldowns and records; default the system clock. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Nanosecond ticker for durations and deadlines; default {@code System::nanoTime}. */
        public Builder ticker(LongSupplier nanos) {
            this.ticker = Objects.requireNonNull(nanos, "ticker");
            return this;
        }

        /**
         * Replaces the deployment health (breakers and cooldowns) altogether; default a
         * {@link BreakerDeploymentHealth} with {@link #breakerConfig} settings, reporting transitions to
         * the telemetry. Breaker settings are ignored when a health is given.
         */
        public Builder health(DeploymentHealth health) {
            this.health = Objects.requireNonNull(health, "health");
            return this;
        }

        /** Every deployment's breaker settings, unless overridden per deployment; default {@link BreakerConfig#defaults()}. */
        public Builder breakerConfig(BreakerConfig config) {
            this.breakerDefaults = Objects.requireNonNull(config, "config");
            return this;
        }

        /** One deployment's breaker settings. */
        public Builder breakerConfig(DeploymentId deployment, BreakerConfig config) {
            breakerOverrides.put(Objects.requireNonNull(deployment, "deployment"), Objects.requireNonNull(config, "config"));
            return this;
        }

        /** Retries, backoff, deadline and attempt timeout; default {@link RetrySettings#defaults()}. */
        public Builder retry(RetrySettings retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** The per-request deadline (overrides the one in {@link #retry}); default 30 s. */
        public Builder requestDeadline(Duration deadline) {
            this.requestDeadline = Objects.requireNonNull(deadline, "deadline");
            return this;
        }

        /** The per-attempt timeout (overrides the one in {@link #retry}); default 20 s. */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Where usage records go (Requirement 5.1); required: a router meters every request, so there
         * is no default that would drop records ({@code adapters-inmemory} has an in-memory ledger).
         */
        public Builder ledger(UsageLedger ledger) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            return this;
        }

        /**
         * Traces each request and its attempts (Requirement 10.1); default none. Guarded: a throwing
         * tracer never fails a request.
         */
        public Builder tracer(RouterTracer tracer) {
            this.tracer = Objects.requireNonNull(tracer, "tracer");
            return this;
        }

        /** Observers; default none. Guarded: a throwing telemetry never fails a request. */
        public Builder telemetry(RouterTelemetry telemetry) {
            this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
            return this;
        }

        /**
         * Monthly quotas per account, kept in {@code store} under each caller's plan (Requirement 5.4);
         * default unlimited.
         */
        public Builder quotaStore(QuotaStore store) {
            return quota(new QuotaStoreGate(store));
        }

        /** Per-account requests and tokens per minute under each caller's plan (Requirement 5.5); default unlimited. */
        public Builder rateLimiter(AccountRateLimiter limiter) {
            return rateLimits(new AccountRateGate(limiter));
        }

        /**
         * Rate limits and monthly quotas kept in one store that admits a request under both in one round
         * trip (Requirements 5.4, 5.5); each part fails closed or open by its own policy (Requirement 7.5).
         * Replaces the rate limiter and the quota store set before; setting either afterwards replaces this.
         *
         * @param lease how long a reservation holds if its holder never ends it
         */
        public Builder rateAndQuotaStore(RateAndQuotaStore store, UnavailableStorePolicy whenRateUnavailable,
                UnavailableStorePolicy whenQuotaUnavailable, Duration lease) {
            this.oneRoundTrip = new OneRoundTripGates(store, whenRateUnavailable, whenQuotaUnavailable, lease);
            return this;
        }

        /** Quota admission as any {@link QuotaGate} (tests, custom stores); {@link #quotaStore} is the usual way. */
        public Builder quota(QuotaGate quota) {
            this.quota = Objects.requireNonNull(quota, "quota");
            this.oneRoundTrip = null;
            return this;
        }

        /** Rate limits as any {@link RateGate}; {@link #rateLimiter} is the usual way. */
        public Builder rateLimits(RateGate rates) {
            this.rates = Objects.requireNonNull(rates, "rates");
            this.oneRoundTrip = null;
            return this;
        }

        /** Ids for requests that come without one; default random (version 4) UUIDs, see {@link #randomRequestId}. */
        public Builder requestIds(Supplier<String> ids) {
            this.requestIds = Objects.requireNonNull(ids, "ids");
            return this;
        }

        /** Strategies per model and tier, and weights per deployment; default {@link BalancingSettings#DEFAULTS}. */
        public Builder balancing(BalancingSettings settings) {
            this.balancingSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * The random source of the calling thread for balancing draws; default
         * {@code ThreadLocalRandom::current}. A seeded generator makes a run reproducible.
         */
        public Builder random(Supplier<RandomGenerator> random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        private static String name(BreakerStatus status) {
            return status.name().toLowerCase(Locale.ROOT);
        }

        public Router build() {
            if (fleet == null || endpoint == null || ledger == null) {
                throw new IllegalStateException("a router needs a fleet, an endpoint and a usage ledger");
            }
            if (health == null) {
                BreakerConfig defaults = breakerDefaults;
                Map<DeploymentId, BreakerConfig> overrides = Map.copyOf(breakerOverrides);
                RouterTelemetry observers = new GuardedTelemetry(telemetry);
                health = new BreakerDeploymentHealth(id -> overrides.getOrDefault(id, defaults),
                        t -> observers.breakerTransition(t.deployment().value(), name(t.from()), name(t.to()), t.at(),
                                t.reason()));
            }
            balancing = new Balancing(balancingSettings, random);
            return new Router(this);
        }
    }
}

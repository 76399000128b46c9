package dev.llmrouter.adapters.metrics;

import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@link RouterTelemetry} on a Micrometer {@link MeterRegistry} (Requirements 4.1, 4.2).
 *
 * <h2>Meters</h2>
 * The model-call meters follow the OpenTelemetry GenAI semantic conventions (client metrics), with
 * their recommended histogram buckets, so that dashboards built for them work as they are:
 * <ul>
 *   <li>{@value #OPERATION_DURATION} (timer, seconds): one sample per attempt that reached a
 *       deployment. Tags {@code gen_ai.system}={@value #GEN_AI_SYSTEM}, {@code gen_ai.operation.name}
 *       ({@code chat} | {@code text_completion}), {@code gen_ai.request.model}; on success
 *       {@code gen_ai.response.model}; on failure {@code error.type} (the failure kind, e.g.
 *       {@code server_error}, {@code timeout}; {@code _OTHER} when unknown).
 *   <li>{@value #TOKEN_USAGE} (distribution summary, tokens): two samples per completed request,
 *       {@code gen_ai.token.type}={@code input} and {@code output}, with the system, operation and
 *       model tags above.
 * </ul>
 * The router's own meters:
 * <ul>
 *   <li>{@value #REQUESTS} (counter) by {@code tier}, {@code outcome} (the usage outcome: {@code
 *       success}, {@code final_error}, {@code exhausted}, {@code stream_interrupted}, {@code
 *       cancelled}): requests that reached a deployment. Requests refused before any deployment are
 *       counted in {@value #REFUSALS} by {@code reason} ({@code rate_limited}, {@code quota_exceeded},
 *       ...), not here.
 *   <li>{@value #REQUEST_DURATION} (timer) by {@code tier}, {@code outcome}: admission to the end of
 *       the answer, fallbacks included; {@value #TIME_TO_FIRST_TOKEN} (timer) by {@code tier} for streams.
 *   <li>{@value #COST} (counter, USD) by {@code tier}, {@code model}, {@code deployment}. The value comes
 *       from the record's exact {@code Money} and is turned into a {@code double} only here, at the meter:
 *       a metric may round, billing never reads it (the ledger is the source of truth).
 *   <li>{@value #FALLBACKS} (counter) by {@code tier}: deployments given up on before the one that
 *       answered (or before exhaustion).
 *   <li>{@value #ATTEMPTS} (counter) by {@code deployment}, {@code region}, {@code outcome}
 *       ({@code success}, {@code failed}, {@code skipped_breaker_open}, {@code skipped_cooling_down},
 *       {@code skipped_deadline}) and, for failures, {@code error.type}.
 *   <li>{@value #BREAKER_STATE} (gauge) by {@code deployment}: 0 closed, 1 half-open, 2 open. One
 *       {@link AtomicInteger} per deployment, registered once (with a strong reference, so the gauge
 *       never goes stale); transitions only set it. {@link #trackDeployments} registers the fleet at
 *       start-up so that every deployment reports, even before its first transition.
 *   <li>{@value #BREAKER_TRANSITIONS} (counter) by {@code deployment}, {@code from}, {@code to}.
 * </ul>
 *
 * <h2>Cardinality</h2>
 * Every tag value is bounded by configuration (deployments, models, regions, tiers) or by an enum
 * (outcomes, failure kinds, refusal reasons). Account and creator ids are never tags: they are
 * unbounded, and per-account or per-creator figures come from the usage ledger.
 *
 * <h2>Failures</h2>
 * A telemetry failure never fails a request: each method catches what the registry throws, logs it
 * (the first at WARNING with its stack trace, then every 1000th, the rest at DEBUG so that a broken
 * registry cannot flood the log) and returns. {@link #failures()} counts them.
 */
public final class MicrometerRouterTelemetry implements RouterTelemetry {

    public static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
    public static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    public static final String REQUESTS = "llm_router.requests";
    public static final String REQUEST_DURATION = "llm_router.request.duration";
    public static final String TIME_TO_FIRST_TOKEN = "llm_router.request.time_to_first_token";
    public static final String COST = "llm_router.cost";
    public static final String FALLBACKS = "llm_router.fallbacks";
    public static final String ATTEMPTS = "llm_router.attempts";
    public static final String BREAKER_STATE = "llm_router.breaker.state";
    public static final String BREAKER_TRANSITIONS = "llm_router.breaker.transitions";
    public static final String REFUSALS = "llm_router.refusals";
    public static final String LEDGER_RECORDS = "llm_router.usage_ledger.records";
    public static final String LEDGER_DROPPED = "llm_router.usage_ledger.dropped";

    /** The {@code gen_ai.system} value the conventions give Azure OpenAI. */
    public static final String GEN_AI_SYSTEM = "az.ai.openai";

    public static final int CLOSED = 0;
    public static final int HALF_OPEN = 1;
    public static final int OPEN = 2;

    /** The conventions' recommended buckets for {@value #OPERATION_DURATION}, in seconds. */
    private static final Duration[] DURATION_BUCKETS = durations(
            0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

    /** The conventions' recommended buckets for {@value #TOKEN_USAGE}. */
    private static final double[] TOKEN_BUCKETS = {
        1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
    };

    private static final System.Logger LOG = System.getLogger(MicrometerRouterTelemetry.class.getName());

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
    private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    /** Function counters hold their source weakly: this keeps the ledger's for as long as the telemetry lives. */
    private volatile LongSupplier ledgerDropped;

    public MicrometerRouterTelemetry(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Registers the breaker-state gauge of each deployment, at closed unless already known. */
    public void trackDeployments(Collection<String> deploymentIds) {
        guarded("trackDeployments", () -> deploymentIds.forEach(this::breakerState));
    }

    /**
     * Registers the in-memory usage ledger's size and the records it dropped to stay within its bound
     * (Prometheus: {@code llm_router_usage_ledger_records}, {@code llm_router_usage_ledger_dropped_total}),
     * read from the ledger at each scrape.
     */
    public void trackUsageLedger(LongSupplier held, LongSupplier dropped) {
        guarded("trackUsageLedger", () -> {
            ledgerDropped = dropped;
            Gauge.builder(LEDGER_RECORDS, held, s -> (double) s.getAsLong())
                    .description("Usage records held by the in-memory ledger").strongReference(true).register(registry);
            FunctionCounter.builder(LEDGER_DROPPED, dropped, s -> (double) s.getAsLong())
                    .description("Usage records the in-memory ledger dropped, oldest first, to stay within its bound")
                    .register(registry);
        });
    }

    /** Telemetry calls that failed (and were swallowed) so far. */
    public long failures() {
        return failures.get();
    }

    @Override
    public void attempt(String model, Attempt attempt) {
        attempt(model, ChatOperation.CHAT, attempt);
    }

    @Override
    public void attempt(String model, ChatOperation operation, Attempt attempt) {
        guarded("attempt", () -> {
            boolean failed = attempt.outcome() == Attempt.Outcome.FAILED;
            // The error type's source: the failure kind, or OTHER_ERROR when a failure came without one.
            Object error = failed ? attempt.failure().<Object>map(f -> f.kind()).orElse(OTHER_ERROR) : null;
            MeterKey attemptKey = new MeterKey(ATTEMPTS, attempt.deployment().value(), attempt.region(), attempt.outcome(), error);
            Counter attempts = (Counter) meters.get(attemptKey);
            if (attempts == null) {
                Tags attemptTags = Tags.of(
                        "deployment", attempt.deployment().value(),
                        "region", attempt.region(),
                        "outcome", lower(attempt.outcome().name()));
                if (failed) {
                    attemptTags = attemptTags.and("error.type", errorType(error));
                }
                attempts = cache(attemptKey, Counter.builder(ATTEMPTS).description("Attempts at (and skips of) deployments")
                        .tags(attemptTags).register(registry));
            }
            attempts.increment();

            if (attempt.reachedDeployment()) {
                MeterKey durationKey = new MeterKey(OPERATION_DURATION, operation, model, error, null);
                Timer duration = (Timer) meters.get(durationKey);
                if (duration == null) {
                    Tags genAi = genAiTags(operation, model);
                    genAi = failed ? genAi.and("error.type", errorType(error)) : genAi.and("gen_ai.response.model", model);
                    duration = cache(durationKey, Timer.builder(OPERATION_DURATION).description("GenAI operation duration")
                            .serviceLevelObjectives(DURATION_BUCKETS)
                            .tags(genAi).register(registry));
                }
                duration.record(attempt.duration());
            }
        });
    }

    @Override
    public void requestCompleted(UsageRecord record, int fallbacks) {
        requestCompleted(record, fallbacks, ChatOperation.CHAT);
    }

    @Override
    public void requestCompleted(UsageRecord record, int fallbacks, ChatOperation operation) {
        guarded("requestCompleted", () -> {
            String tier = record.tier().id();
            Enum<?> outcome = record.outcome();

            MeterKey requestsKey = new MeterKey(REQUESTS, tier, outcome, null, null);
            Counter requests = (Counter) meters.get(requestsKey);
            if (requests == null) {
                requests = cache(requestsKey, Counter.builder(REQUESTS).description("Requests that reached a deployment")
                        .tags(tierOutcome(tier, outcome)).register(registry));
            }
            requests.increment();

            MeterKey durationKey = new MeterKey(REQUEST_DURATION, tier, outcome, null, null);
            Timer duration = (Timer) meters.get(durationKey);
            if (duration == null) {
                duration = cache(durationKey, Timer.builder(REQUEST_DURATION)
                        .description("Admission to the end of the answer, fallbacks included")
                        .tags(tierOutcome(tier, outcome)).register(registry));
            }
            duration.record(record.latency());

            if (record.timeToFirstToken().isPresent()) {
                MeterKey ttftKey = new MeterKey(TIME_TO_FIRST_TOKEN, tier, null, null, null);
                Timer ttft = (Timer) meters.get(ttftKey);
                if (ttft == null) {
                    ttft = cache(ttftKey, Timer.builder(TIME_TO_FIRST_TOKEN)
                            .description("Admission to the first content chunk of a stream")
                            .tags("tier", tier).register(registry));
                }
                ttft.record(record.timeToFirstToken().get());
            }

            tokens(operation, record.model(), "input", record.tokens().inputTokens());
            tokens(operation, record.model(), "output", record.tokens().outputTokens());

            MeterKey costKey = new MeterKey(COST, tier, record.model(), record.deployment(), null);
            Counter cost = (Counter) meters.get(costKey);
            if (cost == null) {
                cost = cache(costKey, Counter.builder(COST).baseUnit("usd").description("Cost of the tokens served, in US dollars")
                        .tags("tier", tier, "model", record.model(), "deployment", record.deployment())
                        .register(registry));
            }
            cost.increment(record.cost().toUsd().doubleValue());

            MeterKey fallbacksKey = new MeterKey(FALLBACKS, tier, null, null, null);
            Counter fallbacksCounter = (Counter) meters.get(fallbacksKey);
            if (fallbacksCounter == null) {
                fallbacksCounter = cache(fallbacksKey, Counter.builder(FALLBACKS)
                        .description("Deployments given up on before the one that answered")
                        .tags("tier", tier).register(registry));
            }
            fallbacksCounter.increment(Math.max(0, fallbacks));
        });
    }

    private static Tags tierOutcome(String tier, Enum<?> outcome) {
        return Tags.of("tier", tier, "outcome", lower(outcome.name()));
    }

    @Override
    public void refused(Refusal.Reason reason) {
        guarded("refused", () -> Counter.builder(REFUSALS).description("Requests refused before any deployment")
                .tags("reason", lower(reason.name())).register(registry).increment());
    }

    @Override
    public void breakerTransition(String deploymentId, String from, String to, Instant at, String reason) {
        guarded("breakerTransition", () -> {
            int toCode = stateCode(to);
            if (toCode >= 0) {
                breakerState(deploymentId).set(toCode);
            } else {
                LOG.log(System.Logger.Level.WARNING, "unknown breaker state {0} for {1}", to, deploymentId);
            }
            Counter.builder(BREAKER_TRANSITIONS).description("Circuit-breaker transitions")
                    .tags("deployment", deploymentId, "from", stateName(from), "to", stateName(to))
                    .register(registry).increment();
        });
    }

    private void tokens(ChatOperation operation, String model, String type, long count) {
        MeterKey key = new MeterKey(TOKEN_USAGE, operation, model, type, null);
        DistributionSummary tokens = (DistributionSummary) meters.get(key);
        if (tokens == null) {
            tokens = cache(key, DistributionSummary.builder(TOKEN_USAGE).description("Number of input and output tokens used ({token})")
                    .serviceLevelObjectives(TOKEN_BUCKETS)
                    .tags(genAiTags(operation, model).and("gen_ai.response.model", model).and("gen_ai.token.type", type))
                    .register(registry));
        }
        tokens.record(count);
    }

    /**
     * The meters of the per-request calls, by name and the values their tags are made from.
     *
     * <p>Why: building a meter's {@code Tags} (sorted, de-duplicated) and its id, then finding it in the
     * registry, on every call was eight look-ups per request, a few per cent of the gateway's CPU (JFR).
     * A registry answers the same meter for the same name and tags, so the first answer is kept; a
     * registration that throws caches nothing (and is tried again next time). Every key part is bounded
     * by configuration or an enum (see Cardinality), so the map is as small as the registry.
     */
    private record MeterKey(String name, Object a, Object b, Object c, Object d) {}

    private static final Object OTHER_ERROR = "_OTHER";

    private <M extends Meter> M cache(MeterKey key, M meter) {
        meters.putIfAbsent(key, meter);
        return meter;
    }

    private static String errorType(Object error) {
        return error instanceof Enum<?> kind ? lower(kind.name()) : OTHER_ERROR.toString();
    }

    private static Tags genAiTags(ChatOperation operation, String model) {
        return Tags.of(
                "gen_ai.system", GEN_AI_SYSTEM,
                "gen_ai.operation.name", switch (operation) {
                    case TEXT_COMPLETION -> "text_completion";
                    case EMBEDDINGS -> "embeddings";
                    default -> "chat";
                },
                "gen_ai.request.model", model);
    }

    /** The gauge's state holder, registering the gauge the first time a deployment is seen. */
    private AtomicInteger breakerState(String deploymentId) {
        return breakerStates.computeIfAbsent(deploymentId, id -> {
            AtomicInteger state = new AtomicInteger(CLOSED);
            Gauge.builder(BREAKER_STATE, state, AtomicInteger::get)
                    .description("Circuit-breaker state: 0 closed, 1 half-open, 2 open")
                    .tag("deployment", id).strongReference(true).register(registry);
            return state;
        });
    }

    /** 0, 1, 2 for closed, half-open, open (any case, {@code -} or {@code _}); -1 when unknown. */
    static int stateCode(String state) {
        return switch (stateName(state)) {
            case "closed" -> CLOSED;
            case "half_open" -> HALF_OPEN;
            case "open" -> OPEN;
            default -> -1;
        };
    }

    /** The canonical state name, or {@code unknown}: tag values stay within four. */
    private static String stateName(String state) {
        String s = state == null ? "" : lower(state.trim()).replace('-', '_');
        return switch (s) {
            case "closed", "half_open", "open" -> s;
            default -> "unknown";
        };
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private void guarded(String what, Runnable action) {
        try {
            action.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            long n = failures.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.log(System.Logger.Level.WARNING, "telemetry " + what + " failed (" + n + " failures so far)", e);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "telemetry " + what + " failed", e);
            }
        }
    }

    private static Duration[] durations(double... seconds) {
        Duration[] out = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            out[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
        }
        return out;
    }
}

package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.breaker.BreakerConfig;
import dev.llmrouter.domain.breaker.BreakerStatus;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.routing.RoutePlan;
import dev.llmrouter.domain.routing.RouteRequest;
import dev.llmrouter.domain.routing.RoutingPolicy;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.chat.ByteBoundEstimator;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.PromptEstimate;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.ratelimit.AccountRateLimiter;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RateLimitStatus;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.router.RouteChatUseCase;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import dev.llmrouter.ports.usage.UsageLedger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The router: the application service behind {@link RouteChatUseCase} and {@link DeploymentStatusQuery}.
 *
 * <h2>One request</h2>
 * <ol>
 *   <li><b>Check the request rate</b>, consuming nothing ({@link RateGate#precheck}): a caller already at
 *       its request limit is refused before any costly work is done for it (Requirement 9.2).</li>
 *   <li><b>Estimate</b> the prompt's tokens ({@link PromptTokenEstimator}), per tokenizer encoding.</li>
 *   <li><b>Route</b> with the domain {@link RoutingPolicy}; a {@link RoutePlan.Rejected} becomes
 *       {@link ChatOutcome.Refused} with the matching {@link Refusal.Reason}.</li>
 *   <li><b>Rate limit</b>: one request and (expected prompt tokens + output cap) tokens, admitted both or
 *       neither; a request larger than a whole minute's tokens is refused for good
 *       ({@link Refusal.Reason#LARGER_THAN_RATE_LIMIT}), not told to retry.</li>
 *   <li><b>Reserve quota</b> for the first candidate's worst case: the prompt's upper-bound estimate plus
 *       the output cap, priced at that model. The output cap is {@code min(caller max_tokens, model
 *       max)} (the model's max when the caller set none) and is what the deployment is sent as
 *       {@code max_tokens} ({@link ChatCall#maxOutputTokens()}), so the reservation is a true worst
 *       case.</li>
 *   <li><b>Execute</b> the chain ({@link FallbackExecutor}); before the first call to a candidate of
 *       another model the reservation is resized to that model's worst case, and a candidate the quota
 *       cannot hold is skipped ({@link Attempt.Outcome#SKIPPED_OVER_QUOTA}).</li>
 *   <li><b>Settle</b> the reservation to the actual cost on success (including the metered part of a
 *       broken or cancelled stream), release it otherwise.</li>
 *   <li><b>Record</b> exactly one {@link UsageRecord} when at least one deployment was called, whatever
 *       the ending; none for a request refused or never reaching a deployment (Requirement 5.1).</li>
 *   <li><b>Report</b> to {@link RouterTelemetry}, guarded: a throwing observer is logged and
 *       swallowed.</li>
 * </ol>
 *
 * <h2>Streams</h2>
 * A candidate's stream counts as started once its first content chunk arrived; a failure before that
 * closes it and falls back invisibly. Then {@link StreamListener#onStart} is called once, the chunks so
 * far and the rest follow. A later failure ends in {@link ChatOutcome.StreamBroken} and counts against
 * the breaker; a caller who goes away ({@code onChunk} false, or a listener that throws) closes the
 * upstream stream. Either way the tokens so far are metered and recorded. A usage-only chunk reaches
 * the caller only when it asked for usage.
 *
 * <p>Thread-safe: one router serves many requests at once.
 */
public final class Router implements RouteChatUseCase, DeploymentStatusQuery {

    private static final System.Logger LOG = System.getLogger(Router.class.getName());

    private final Fleet fleet;
    private final RoutingPolicy policy;
    private final ChatEndpoint endpoint;
    private final PromptTokenEstimator estimator;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final DeploymentHealth health;
    private final FallbackExecutor executor;
    private final UsageLedger ledger;
    private final RouterTelemetry telemetry;
    private final QuotaGate quota;
    private final RateGate rates;
    private final Supplier<String> requestIds;
    /** Every fleet deployment's path entries without a failure, by {@link Attempt.Outcome#ordinal()}. */
    private final Map<DeploymentId, String[]> pathEntries;

    private Router(Builder b) {
        this.fleet = b.fleet;
        this.policy = new RoutingPolicy(b.fleet);
        this.endpoint = b.endpoint;
        this.estimator = b.estimator;
        this.clock = b.clock;
        this.ticker = b.ticker;
        this.health = b.health;
        RetrySettings retry = b.retry;
        if (b.requestDeadline != null) {
            retry = retry.withRequestDeadline(b.requestDeadline);
        }
        if (b.attemptTimeout != null) {
            retry = retry.withAttemptTimeout(b.attemptTimeout);
        }
        this.executor = new FallbackExecutor(b.health, retry, b.clock, b.ticker);
        this.ledger = b.ledger;
        this.telemetry = new GuardedTelemetry(b.telemetry);
        this.quota = b.quota;
        this.rates = b.rates;
        this.requestIds = b.requestIds;
        Map<DeploymentId, String[]> entries = new HashMap<>();
        for (var d : b.fleet.deployments()) {
            Attempt.Outcome[] outcomes = Attempt.Outcome.values();
            String[] byOutcome = new String[outcomes.length];
            for (Attempt.Outcome o : outcomes) {
                byOutcome[o.ordinal()] = new Tried(null, new Attempt(d.id(), d.region().name(), o, Optional.empty(),
                        Duration.ZERO)).pathEntry();
            }
            entries.put(d.id(), byOutcome);
        }
        this.pathEntries = Map.copyOf(entries);
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
        Object admitted = admit(command);
        if (admitted instanceof ChatOutcome refused) {
            return refused;
        }
        Flight f = (Flight) admitted;
        ExecutionResult<ChatReply> result = executor.execute(f.routed.candidates(), f.deadline, f, f, true);
        report(f, result.tried());
        if (result instanceof ExecutionResult.Succeeded<ChatReply> ok) {
            TokenUsage usage = ok.value().usage();
            Money cost = ok.candidate().model().pricing().costOf(usage);
            // The record goes to the ledger before the quota settles: a quota store that seeds a month
            // from the ledger must already find this usage there.
            record(f, ok.candidate(), usage, cost, Optional.empty(), UsageOutcome.SUCCESS, result.tried());
            f.hold.settle(new QuotaGate.Charge(usage.totalTokens(), cost));
            return new ChatOutcome.Served(f.route(ok.candidate()), Optional.of(ok.value()), usage, cost,
                    result.attempts(), f.rateLimit);
        }
        return failed(f, result);
    }

    @Override
    public ChatOutcome stream(ChatCommand command, StreamListener listener) {
        Objects.requireNonNull(listener, "listener");
        ChatRequest asked = command.request();
        ChatCommand streaming = asked.stream() ? command : new ChatCommand(command.caller(), command.requested(),
                command.preferredRegion(), command.residency(), command.allowFallDown(),
                asked.streaming(asked.includeUsage()), command.requestId());
        Object admitted = admit(streaming);
        if (admitted instanceof ChatOutcome refused) {
            return refused;
        }
        Flight f = (Flight) admitted;
        ExecutionResult<Started> result = executor.execute(f.routed.candidates(), f.deadline, f,
                (c, timeout) -> open(f.chatCall(c, timeout)), false);
        if (!(result instanceof ExecutionResult.Succeeded<Started> ok)) {
            report(f, result.tried());
            return failed(f, result);
        }
        return relay(f, ok, listener);
    }

    @Override
    public List<DeploymentStatus> deployments() {
        var now = clock.instant();
        return fleet.deployments().stream().map(d -> health.status(d, now)).toList();
    }

    // ---- admission -------------------------------------------------------------------------------

    /** A refusal ({@link ChatOutcome}), or the admitted request's {@link Flight}. */
    private Object admit(ChatCommand command) {
        long start = ticker.getAsLong();
        // The cheap check first: a caller at its request limit costs no estimate (Requirement 9.2).
        if (rates.precheck(command.caller(), start) instanceof RateGate.Verdict.Limited limited) {
            return refuse(new Refusal(Refusal.Reason.RATE_LIMITED, limited.message(), limited.retryAfter()),
                    limited.status());
        }
        Flight f = new Flight(command, command.requestId().isEmpty() ? requestIds.get() : command.requestId(), start);
        RoutePlan plan = policy.route(new RouteRequest(command.caller().plan(), command.requested(),
                command.preferredRegion(), command.residency(), command.request().operation().capability(),
                command.request().needsVision(),
                f.estimate(guessEncoding(command)).expectedTokens(), command.allowFallDown()));
        if (plan instanceof RoutePlan.Rejected rejected) {
            Refusal.Reason reason = switch (rejected.reason()) {
                case UNKNOWN_MODEL -> Refusal.Reason.UNKNOWN_MODEL;
                case NO_ELIGIBLE_DEPLOYMENT -> Refusal.Reason.NO_ELIGIBLE_DEPLOYMENT;
                case PROMPT_TOO_LARGE -> Refusal.Reason.PROMPT_TOO_LARGE;
            };
            return refuse(Refusal.of(reason, rejected.message()), RateLimitStatus.UNLIMITED);
        }
        f.routed = (RoutePlan.Routed) plan;
        ModelSpec first = f.routed.candidates().get(0).model();
        long rateTokens = Math.addExact(f.estimate(first.encoding()).expectedTokens(),
                command.request().worstCaseOutputTokens(f.outputCap(first)));
        RateGate.Verdict verdict = rates.admit(command.caller(), rateTokens, ticker.getAsLong());
        if (verdict instanceof RateGate.Verdict.Unavailable down) {
            return refuse(new Refusal(Refusal.Reason.STORE_UNAVAILABLE, down.message(), Optional.of(down.retryAfter())),
                    RateLimitStatus.UNLIMITED);
        }
        if (verdict instanceof RateGate.Verdict.Limited limited) {
            return refuse(new Refusal(Refusal.Reason.RATE_LIMITED, limited.message(), limited.retryAfter()),
                    limited.status());
        }
        if (verdict instanceof RateGate.Verdict.TooLarge tooLarge) {
            return refuse(Refusal.of(Refusal.Reason.LARGER_THAN_RATE_LIMIT, tooLarge.message()), tooLarge.status());
        }
        f.rateLimit = verdict.status();
        QuotaGate.Verdict reservation = quota.reserve(command.caller(), f.worstCase(first), clock.instant());
        if (reservation instanceof QuotaGate.Verdict.Refused no) {
            return refuse(new Refusal(Refusal.Reason.QUOTA_EXCEEDED, no.message(), no.retryAfter()), f.rateLimit);
        }
        if (reservation instanceof QuotaGate.Verdict.Unavailable down) {
            return refuse(new Refusal(Refusal.Reason.STORE_UNAVAILABLE, down.message(), Optional.of(down.retryAfter())),
                    f.rateLimit);
        }
        f.hold = ((QuotaGate.Verdict.Held) reservation).hold();
        f.heldModel = first;
        f.deadline = start + executor.settings().requestDeadline().toNanos();
        return f;
    }

    private ChatOutcome refuse(Refusal refusal, RateLimitStatus rateLimit) {
        telemetry.refused(refusal.reason());
        return new ChatOutcome.Refused(refusal, rateLimit);
    }

    /** The encoding to estimate with before the model is known: the model the request most likely gets. */
    private TokenEncoding guessEncoding(ChatCommand command) {
        String requested = command.requested();
        Optional<ModelSpec> named = fleet.catalog().model(requested);
        if (named.isPresent()) {
            return named.get().encoding();
        }
        Tier tier = command.caller().plan().effectiveTier(Tier.parse(requested).orElse(null));
        return fleet.catalog().hasTier(tier) ? fleet.catalog().tierModel(tier).encoding() : TokenEncoding.O200K_BASE;
    }

    // ---- endings ---------------------------------------------------------------------------------

    private ChatOutcome failed(Flight f, ExecutionResult<?> result) {
        f.hold.release();
        if (result instanceof ExecutionResult.FailedFinally<?> no) {
            record(f, no.candidate(), TokenUsage.NONE, Money.ZERO, Optional.empty(), UsageOutcome.FINAL_ERROR,
                    result.tried());
            return new ChatOutcome.Failed(f.route(no.candidate()), no.failure(), result.attempts(), f.rateLimit);
        }
        ExecutionResult.Exhausted<?> exhausted = (ExecutionResult.Exhausted<?>) result;
        result.lastCalled().ifPresent(last -> record(f, last, TokenUsage.NONE, Money.ZERO, Optional.empty(),
                UsageOutcome.EXHAUSTED, result.tried()));
        return new ChatOutcome.Exhausted(result.attempts(), exhausted.retryAt(), f.rateLimit);
    }

    private void report(Flight f, List<Tried> tried) {
        for (int i = 0; i < tried.size(); i++) { // indexed: no iterator per request
            Tried t = tried.get(i);
            telemetry.attempt(t.candidate().model().id(), f.request().operation(), t.attempt());
        }
    }

    private void record(Flight f, Candidate last, TokenUsage usage, Money cost, Optional<Duration> ttft,
            UsageOutcome outcome, List<Tried> tried) {
        long now = ticker.getAsLong();
        UsageRecord record = new UsageRecord(f.requestId, clock.instant(), f.command.caller().accountId(),
                f.command.caller().creator(), f.command.caller().plan().id(), f.command.caller().operation(),
                f.routed.requestedTier(), last.tier(), last.model().id(), last.deployment().id().value(),
                last.deployment().region().name(), usage, cost, Duration.ofNanos(Math.max(0, now - f.startNanos)),
                ttft, outcome, path(tried));
        try {
            ledger.append(record);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "usage ledger refused record " + f.requestId, e);
        }
        telemetry.requestCompleted(record, Math.max(0, distinctDeployments(tried) - 1), f.request().operation());
    }

    /**
     * The usage record's path: {@link Tried#pathEntry()} of each step, the entries without a failure
     * taken from {@link #pathEntries} (built once) rather than concatenated for every request.
     */
    private List<String> path(List<Tried> tried) {
        if (tried.size() == 1) {
            return List.of(pathEntry(tried.get(0)));
        }
        String[] entries = new String[tried.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = pathEntry(tried.get(i));
        }
        return List.of(entries);
    }

    private String pathEntry(Tried t) {
        Attempt a = t.attempt();
        if (a.failure().isEmpty()) {
            String[] known = pathEntries.get(a.deployment());
            if (known != null) {
                return known[a.outcome().ordinal()];
            }
        }
        return t.pathEntry();
    }

    /** How many different deployments the path names; paths are a few steps long, so no set is built. */
    private static int distinctDeployments(List<Tried> tried) {
        int distinct = 0;
        for (int i = 0; i < tried.size(); i++) {
            String d = tried.get(i).attempt().deployment().value();
            boolean seen = false;
            for (int j = 0; j < i && !seen; j++) {
                seen = tried.get(j).attempt().deployment().value().equals(d);
            }
            if (!seen) {
                distinct++;
            }
        }
        return distinct;
    }

    // ---- streams ---------------------------------------------------------------------------------

    /** A stream opened on a candidate and read up to its first content chunk (or its end). */
    private record Started(ChatStream stream, List<StreamChunk> head, boolean ended, long firstContentNanos) {}

    private Started open(ChatCall call) {
        ChatStream stream = endpoint.openStream(call);
        // Nearly every stream's first chunk has content: a one-chunk head needs no growable list.
        List<StreamChunk> head = null;
        try {
            while (true) {
                Optional<StreamChunk> next = stream.next();
                if (next.isEmpty()) {
                    return new Started(stream, head == null ? List.of() : head, true, ticker.getAsLong());
                }
                StreamChunk chunk = next.get();
                if (head == null && chunk.hasContent()) {
                    return new Started(stream, List.of(chunk), false, ticker.getAsLong());
                }
                if (head == null) {
                    head = new ArrayList<>();
                }
                head.add(chunk);
                if (chunk.hasContent()) {
                    return new Started(stream, head, false, ticker.getAsLong());
                }
            }
        } catch (RuntimeException e) {
            close(stream); // nothing reached the caller: fall back invisibly
            throw e;
        }
    }

    private ChatOutcome relay(Flight f, ExecutionResult.Succeeded<Started> ok, StreamListener listener) {
        Candidate c = ok.candidate();
        Started started = ok.value();
        ChatStream stream = started.stream();
        RouteInfo route = f.route(c);
        Optional<Duration> ttft = Optional.of(Duration.ofNanos(Math.max(0, started.firstContentNanos() - f.startNanos)));
        boolean callerGone = false;
        Failure broken = null;
        TokenUsage usage;
        try {
            callerGone = !start(listener, route, f.rateLimit);
            for (int i = 0; i < started.head().size() && !callerGone; i++) {
                callerGone = !forward(listener, started.head().get(i), f.request().includeUsage());
            }
            if (!started.ended()) {
                while (!callerGone) {
                    Optional<StreamChunk> next = stream.next();
                    if (next.isEmpty()) {
                        break;
                    }
                    callerGone = !forward(listener, next.get(), f.request().includeUsage());
                }
            }
        } catch (EndpointException e) {
            Failure cause = e.failure();
            broken = new Failure(FailureKind.STREAM_INTERRUPTED, cause.status(), cause.code(),
                    cause.kind() + (cause.message().isEmpty() ? "" : ": " + cause.message()), cause.retryAfter(), cause.body());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream from " + c.deployment().id() + " failed unclassified", e);
            broken = Failure.transport(FailureKind.STREAM_INTERRUPTED, "unclassified stream error: " + e);
        } finally {
            usage = safeUsage(stream, f, c);
            close(stream);
        }
        long endNanos = ticker.getAsLong();
        Money cost = c.model().pricing().costOf(usage);
        List<Tried> tried = ok.tried(); // unmodifiable; copied only to replace the last step of a broken stream
        // The breaker judges the deployment by how fast it started answering, not by how long the
        // caller chose to read: a long stream is not a slow call.
        Duration untilFirstContent = ok.took();
        if (broken != null) {
            executor.recordFailure(c, broken, untilFirstContent);
            Duration took = ok.took().plusNanos(Math.max(0, endNanos - started.firstContentNanos()));
            List<Tried> replaced = new ArrayList<>(tried);
            Tried last = replaced.remove(replaced.size() - 1);
            replaced.add(new Tried(c, new Attempt(last.attempt().deployment(), last.attempt().region(),
                    Attempt.Outcome.FAILED, Optional.of(broken), took)));
            tried = replaced;
        } else if (callerGone) {
            executor.recordNeutral(c, untilFirstContent);
        } else {
            executor.recordSuccess(c, untilFirstContent);
        }
        report(f, tried);
        List<Attempt> attempts = Tried.attempts(tried);
        UsageOutcome outcome = broken != null ? UsageOutcome.STREAM_INTERRUPTED
                : callerGone ? UsageOutcome.CANCELLED : UsageOutcome.SUCCESS;
        record(f, c, usage, cost, ttft, outcome, tried); // before the settle, as for complete()
        f.hold.settle(new QuotaGate.Charge(usage.totalTokens(), cost));
        if (outcome != UsageOutcome.SUCCESS) {
            return new ChatOutcome.StreamBroken(route, Optional.ofNullable(broken), usage, cost, attempts, f.rateLimit);
        }
        return new ChatOutcome.Served(route, Optional.empty(), usage, cost, attempts, f.rateLimit);
    }

    private static boolean start(StreamListener listener, RouteInfo route, RateLimitStatus rateLimit) {
        try {
            listener.onStart(route, rateLimit);
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "stream listener failed on start; treating the caller as gone", e);
            return false;
        }
    }

    /** Hands one chunk on; false when the caller is gone. Usage-only chunks only to callers who asked. */
    private static boolean forward(StreamListener listener, StreamChunk chunk, boolean includeUsage) {
        if (chunk.usageOnly() && !includeUsage) {
            return true;
        }
        try {
            return listener.onChunk(chunk);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "stream listener failed; treating the caller as gone", e);
            return false;
        }
    }

    private static void close(ChatStream stream) {
        try {
            stream.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing an upstream stream failed", e);
        }
    }

    private static TokenUsage safeUsage(ChatStream stream, Flight f, Candidate c) {
        try {
            return stream.usage();
        } catch (RuntimeException e) {
            // Still meter what we can: the prompt as estimated for this model.
            LOG.log(System.Logger.Level.WARNING, "stream of " + c.deployment().id() + " could not report usage", e);
            return new TokenUsage(f.estimate(c.model().encoding()).expectedTokens(), 0);
        }
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

    // ---- per-request state -----------------------------------------------------------------------

    /**
     * One admitted request as it goes down its chain. Confined to the request's thread. It is also the
     * request's hop gate and its non-streaming call, so that neither is an object of its own.
     */
    private final class Flight implements FallbackExecutor.HopGate, FallbackExecutor.CandidateCall<ChatReply> {
        final ChatCommand command;
        final String requestId;
        final long startNanos;
        /** The first encoding estimated for (nearly always the only one) and its estimate. */
        TokenEncoding estimatedFor;
        PromptEstimate estimated;
        /** Estimates for further encodings, made when a chain crosses tokenizers. */
        Map<TokenEncoding, PromptEstimate> moreEstimates;
        RoutePlan.Routed routed;
        RateLimitStatus rateLimit = RateLimitStatus.UNLIMITED;
        QuotaGate.Hold hold = QuotaGate.Hold.NONE;
        ModelSpec heldModel;
        long deadline;

        Flight(ChatCommand command, String requestId, long startNanos) {
            this.command = command;
            this.requestId = requestId;
            this.startNanos = startNanos;
        }

        ChatRequest request() {
            return command.request();
        }

        /** One estimate per encoding, made on first use. */
        PromptEstimate estimate(TokenEncoding encoding) {
            Objects.requireNonNull(encoding, "encoding");
            if (encoding == estimatedFor) {
                return estimated;
            }
            if (estimatedFor == null) {
                estimated = estimator.estimate(command.request(), encoding);
                estimatedFor = encoding;
                return estimated;
            }
            if (moreEstimates == null) {
                moreEstimates = new EnumMap<>(TokenEncoding.class);
            }
            return moreEstimates.computeIfAbsent(encoding, e -> estimator.estimate(command.request(), e));
        }

        /** {@code min(caller max_tokens, model max)}, the model's max when the caller set none. */
        int outputCap(ModelSpec model) {
            int asked = command.request().maxOutputTokens();
            return asked == 0 ? model.maxOutputTokens() : Math.min(asked, model.maxOutputTokens());
        }

        QuotaGate.Charge worstCase(ModelSpec model) {
            long prompt = estimate(model.encoding()).maxTokens();
            long out = command.request().worstCaseOutputTokens(outputCap(model));
            return new QuotaGate.Charge(Math.addExact(prompt, out), model.pricing().costOf(prompt, out));
        }

        /** The hop gate: a candidate of another model needs the reservation resized to its worst case. */
        @Override
        public boolean mayCall(Candidate candidate) {
            if (candidate.model().id().equals(heldModel.id())) {
                return true;
            }
            if (hold.resize(worstCase(candidate.model()))) {
                heldModel = candidate.model();
                return true;
            }
            return false;
        }

        ChatCall chatCall(Candidate candidate, Duration timeout) {
            return new ChatCall(candidate, command.request(), outputCap(candidate.model()), timeout, requestId);
        }

        /** The non-streaming call to one candidate. */
        @Override
        public ChatReply call(Candidate candidate, Duration timeout) {
            return endpoint.complete(chatCall(candidate, timeout));
        }

        RouteInfo route(Candidate c) {
            return new RouteInfo(routed.requestedTier(), c.tier(), c.model(), c.deployment(), routed.downgrade(),
                    c.fallDown());
        }
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
        private QuotaGate quota = QuotaGate.UNLIMITED;
        private RateGate rates = RateGate.UNLIMITED;
        private Supplier<String> requestIds = Router::randomRequestId;

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

        /** Quota admission as any {@link QuotaGate} (tests, custom stores); {@link #quotaStore} is the usual way. */
        public Builder quota(QuotaGate quota) {
            this.quota = Objects.requireNonNull(quota, "quota");
            return this;
        }

        /** Rate limits as any {@link RateGate}; {@link #rateLimiter} is the usual way. */
        public Builder rateLimits(RateGate rates) {
            this.rates = Objects.requireNonNull(rates, "rates");
            return this;
        }

        /** Ids for requests that come without one; default random (version 4) UUIDs, see {@link #randomRequestId}. */
        public Builder requestIds(Supplier<String> ids) {
            this.requestIds = Objects.requireNonNull(ids, "ids");
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
            return new Router(this);
        }
    }
}

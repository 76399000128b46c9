package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.domain.balance.LoadBoard;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Backoff;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.PriorityGroups;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Attempt.Outcome;
import dev.llmrouter.ports.telemetry.AttemptTrace;
import dev.llmrouter.ports.telemetry.RequestTrace;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs one request down its fallback chain (Requirements 1.4, 1.5; Property 2).
 *
 * <h2>Algorithm</h2>
 * The chain is walked group by group ({@link PriorityGroups}); within a group the {@link Balancing}
 * picks each next candidate among those not yet tried, on the load of that moment, so the first pick
 * spreads requests and the rest of the group follows in balanced order before the next group is
 * reached. For each candidate so reached:
 * <ol>
 *   <li><b>Deadline</b>: if the request's deadline (ticker nanos) has passed, the candidate is recorded
 *       as {@link Outcome#SKIPPED_DEADLINE} and never called.</li>
 *   <li><b>Gate</b>: the caller's {@link HopGate} may refuse the candidate (the quota cannot hold a
 *       pricier model's worst case): {@link Outcome#SKIPPED_OVER_QUOTA}.</li>
 *   <li><b>Health</b>: a cooling-down deployment or one whose breaker refuses a permit is recorded as
 *       {@link Outcome#SKIPPED_COOLING_DOWN} / {@link Outcome#SKIPPED_BREAKER_OPEN}.</li>
 *   <li><b>Call</b>, and call the same deployment again only for kinds that are
 *       {@code retryableSameDeployment()}, at most {@code sameDeploymentRetries} times, after the
 *       domain's {@link Backoff} (from {@code backoffMin} doubling up to {@code backoffMax}, with
 *       jitter). A wait never outlasts the deadline; when not even {@code backoffMin} is left before
 *       it, there is no retry; and each retry re-checks the deadline and the breaker before calling.
 *       Each call is one {@link Attempt}.</li>
 *   <li><b>Verdict</b>: a success ends the chain. A failure is reported to the breaker only when its
 *       kind {@code countsAgainstBreaker()} (else as neutral); a 429 with retry-after cools the
 *       deployment down until then. A final kind ({@code isFinal()}) ends the chain — except
 *       {@code CONTEXT_LENGTH_EXCEEDED}, which moves on only to candidates whose model has a larger
 *       context window (others are passed over without a call), and is final when none is left.
 *       Any other failure moves on at once: moving to the next deployment never waits for a
 *       backoff.</li>
 * </ol>
 * The pick starts its attempt in the same step ({@link Balancing}): the request's estimated tokens and
 * one request are taken off the deployment's reported remaining capacity and it is counted in flight,
 * so concurrent requests never share one deployment's last room; a candidate then skipped gives them
 * back, and a call ends its count when it returns. Its latency (each success,
 * and a timeout's duration) and the remaining capacity its answer reported (a success's or a 429's)
 * go to the {@link LoadBoard}.
 * When the chain runs out, the result lists every call and skip, and the earliest instant any candidate
 * is expected back (breaker open-until or cooldown end).
 *
 * <h2>Breaker reporting</h2>
 * Every outcome a deployment's health hears comes from here: each failed call as it fails, each
 * success at once for plain calls, and a stream's ending through {@link #streamEnded} (a stream is
 * judged by how fast it started answering, and whether it broke, never by how long the caller read).
 *
 * <h2>Retries: one loop, one clock</h2>
 * Same-deployment retries are a plain loop over the {@link Backoff} schedule rather than a retry
 * library's policy: a policy would need its own notion of time (its max duration and its waits read
 * {@code System.nanoTime}) beside the request's deadline on the injected ticker, and building one per
 * call costs more than the rest of admission, while the loop is a few lines whose every decision
 * (whether to retry, how long to wait, what the deadline leaves) reads the one injected ticker. The
 * wait itself goes through a {@link Pause}, so tests move a fake clock instead of sleeping.
 *
 * <p>Time: wall time ({@link InstantSource}) for the breakers and cooldowns, a nanosecond ticker for
 * durations and the deadline. Thread-safe: holds no per-request state.
 */
public final class FallbackExecutor {

    private static final System.Logger LOG = System.getLogger(FallbackExecutor.class.getName());
    private static final Failure INTERRUPTED = Failure.transport(FailureKind.TIMEOUT, "interrupted while backing off");

    private final DeploymentHealth health;
    private final RetrySettings settings;
    private final InstantSource clock;
    private final LongSupplier ticker;
    private final Backoff backoff;
    private final Pause pause;
    private final Balancing balancing;

    public FallbackExecutor(DeploymentHealth health, RetrySettings settings, InstantSource clock, LongSupplier ticker) {
        this(health, settings, clock, ticker, Balancing.defaults());
    }

    public FallbackExecutor(DeploymentHealth health, RetrySettings settings, InstantSource clock, LongSupplier ticker,
            Balancing balancing) {
        this(health, settings, clock, ticker, TimeUnit.NANOSECONDS::sleep, balancing);
    }

    /** As the public constructor, waiting out backoffs with {@code pause} (tests advance a fake clock). */
    FallbackExecutor(DeploymentHealth health, RetrySettings settings, InstantSource clock, LongSupplier ticker, Pause pause) {
        this(health, settings, clock, ticker, pause, Balancing.defaults());
    }

    FallbackExecutor(DeploymentHealth health, RetrySettings settings, InstantSource clock, LongSupplier ticker, Pause pause,
            Balancing balancing) {
        this.balancing = Objects.requireNonNull(balancing, "balancing");
        this.health = Objects.requireNonNull(health, "health");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.backoff = settings.backoff();
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /** Waits between two calls to the same deployment. */
    @FunctionalInterface
    interface Pause {
        void nanos(long nanos) throws InterruptedException;
    }

    /** One call to one candidate; failures are {@link EndpointException}s. */
    @FunctionalInterface
    public interface CandidateCall<T> {
        /**
         * @param candidate the deployment to call
         * @param timeout   how long this call may take (attempt timeout, capped by the deadline)
         */
        T call(Candidate candidate, Duration timeout);
    }

    /**
     * One call to one candidate given the request's context: one instance serves every request, where
     * a {@link CandidateCall} capturing the request is built for each. {@code trace} is this call's
     * trace ({@link AttemptTrace#traceparent()} goes to the deployment).
     */
    @FunctionalInterface
    public interface ContextCall<C, T> {
        T call(C context, Candidate candidate, Duration timeout, AttemptTrace trace);
    }

    private static final ContextCall<CandidateCall<?>, ?> PLAIN = (call, candidate, timeout, trace) -> call.call(candidate, timeout);

    /** Decides, before a candidate is called, whether the request may go there (quota re-check on a hop). */
    @FunctionalInterface
    public interface HopGate {
        HopGate OPEN = candidate -> true;

        boolean mayCall(Candidate candidate);
    }

    public RetrySettings settings() {
        return settings;
    }

    /** The ticker reading at which a request admitted now must stop trying. */
    public long deadlineFromNow() {
        return ticker.getAsLong() + settings.requestDeadline().toNanos();
    }

    public Balancing balancing() {
        return balancing;
    }

    /**
     * Runs the chain exactly in the order given (each candidate a group of its own), with no capacity
     * reports read.
     *
     * @param candidates    in the order to try them
     * @param deadlineNanos the ticker reading after which no attempt starts
     * @param gate          asked before each candidate is called
     * @param call          the call itself
     * @param recordSuccess report a success to the breaker at once; false for streams, whose caller
     *                      outcome is reported when the stream ends ({@link #streamEnded})
     */
    public <T> ExecutionResult<T> execute(
            List<Candidate> candidates, long deadlineNanos, HopGate gate, CandidateCall<T> call, boolean recordSuccess) {
        return execute(candidates, PriorityGroups.singletons(candidates.size()), 0, deadlineNanos, gate, call,
                value -> CapacityReport.NONE, recordSuccess);
    }

    /**
     * Runs the chain, balancing within each priority group.
     *
     * @param groups          the chain's priority groups
     * @param estimatedTokens the request's tokens as a deployment's rate limit counts them (capacity fit)
     * @param capacity        what a successful value says of its deployment's remaining quota
     */
    public <T> ExecutionResult<T> execute(List<Candidate> candidates, PriorityGroups groups, long estimatedTokens,
            long deadlineNanos, HopGate gate, CandidateCall<T> call, Function<? super T, CapacityReport> capacity,
            boolean recordSuccess) {
        return execute(candidates, groups, estimatedTokens, deadlineNanos, gate, call, capacity, recordSuccess,
                clock.instant());
    }

    /**
     * As {@link #execute(List, PriorityGroups, long, long, HopGate, CandidateCall, Function, boolean)},
     * the first breaker permit asked at {@code now}, the wall time the caller has just read (its
     * admission), so that a request reads the wall clock once before its first call. Every later
     * permit reads the clock again.
     */
    public <T> ExecutionResult<T> execute(List<Candidate> candidates, PriorityGroups groups, long estimatedTokens,
            long deadlineNanos, HopGate gate, CandidateCall<T> call, Function<? super T, CapacityReport> capacity,
            boolean recordSuccess, Instant now) {
        @SuppressWarnings("unchecked")
        ContextCall<CandidateCall<T>, T> plain = (ContextCall<CandidateCall<T>, T>) (ContextCall<?, ?>) PLAIN;
        return execute(candidates, groups, estimatedTokens, deadlineNanos, gate, call, plain, capacity, recordSuccess,
                now, RequestTrace.NONE);
    }

    /**
     * Runs the chain as {@link #execute(List, PriorityGroups, long, long, HopGate, CandidateCall, Function, boolean, Instant)},
     * each call made by {@code call} given {@code context}, and each skip and each call reported to the
     * request's {@code trace} (Requirement 10.1). Every call's trace is ended here when the call fails;
     * a success's stays open in {@link ExecutionResult.Succeeded#trace()} for the caller to end.
     */
    public <C, T> ExecutionResult<T> execute(List<Candidate> candidates, PriorityGroups groups, long estimatedTokens,
            long deadlineNanos, HopGate gate, C context, ContextCall<C, T> call,
            Function<? super T, CapacityReport> capacity, boolean recordSuccess, Instant now, RequestTrace trace) {
        ChainRun<C, T> run = new ChainRun<>(deadlineNanos, context, call, recordSuccess, estimatedTokens, capacity, now,
                trace);
        int contextFloor = 0; // after a context-length failure, only larger windows are worth a call
        chain:
        for (int g = 0; g < groups.count(); g++) {
            int from = groups.start(g);
            int to = groups.end(g);
            long tried = 0;
            for (int n = from; n < to; n++) {
                if (candidates.get(from).model().contextWindow() <= contextFloor) {
                    continue chain; // a group serves one model: passed over whole, without a call
                }
                // Before the first step the caller's wall time and this reading hold for the permit and the call.
                boolean fresh = run.untouched();
                // the pick starts its attempt in the same step; a candidate skipped below cancels it
                long tick = ticker.getAsLong();
                int i = balancing.claim(candidates, from, to, tried, estimatedTokens, tick);
                tried |= 1L << (i - from);
                Candidate candidate = candidates.get(i);
                Outcome skipped;
                if (tick - deadlineNanos >= 0) {
                    skipped = Outcome.SKIPPED_DEADLINE;
                } else if (!gate.mayCall(candidate)) {
                    skipped = Outcome.SKIPPED_OVER_QUOTA;
                } else {
                    skipped = acquire(candidate, fresh ? run.admittedAt : clock.instant());
                }
                if (skipped != null) {
                    balancing.slot(candidate.deployment().id()).cancelled(estimatedTokens);
                    run.skipped(skip(candidate, skipped));
                    continue;
                }
                Optional<Failure> failed = run.execute(candidate, fresh ? tick : ticker.getAsLong());
                if (run.interrupted) {
                    break chain; // the request's thread is being stopped: no further calls
                }
                if (failed.isEmpty()) {
                    if (run.succeeded) {
                        return new ExecutionResult.Succeeded<>(candidate, run.value, run.took, run.tried(), run.answeredAt,
                                run.span);
                    }
                    continue; // skipped on a retry (deadline, breaker): move on
                }
                Failure failure = failed.get();
                if (failure.kind() == FailureKind.CONTEXT_LENGTH_EXCEEDED) {
                    int window = candidate.model().contextWindow();
                    // A group serves one model: only later groups can have a larger window.
                    boolean larger = candidates.subList(to, candidates.size()).stream()
                            .anyMatch(c -> c.model().contextWindow() > window);
                    if (larger) {
                        contextFloor = Math.max(contextFloor, window);
                        continue;
                    }
                    return new ExecutionResult.FailedFinally<>(candidate, failure, run.tried());
                }
                if (failure.kind().isFinal()) {
                    return new ExecutionResult.FailedFinally<>(candidate, failure, run.tried());
                }
            }
        }
        return new ExecutionResult.Exhausted<>(run.tried(), earliestBack(candidates));
    }

    /**
     * Reports how a stream that {@code ok} started ended, and returns its path as the ending made it: a
     * stream that broke after content counts against the breaker and its last step becomes
     * {@link Outcome#FAILED}; a caller who went away says nothing about the deployment.
     *
     * @param ok         the chain's success: the candidate whose stream started, and how long it took
     *                   to its first content
     * @param broken     the stream's failure after content, if it broke
     * @param callerGone the caller went away before the end
     * @param readFor    from the first content to the end of the stream
     */
    List<Tried> streamEnded(ExecutionResult.Succeeded<?> ok, Optional<Failure> broken, boolean callerGone,
            Duration readFor) {
        Candidate c = ok.candidate();
        Duration untilFirstContent = ok.took();
        if (broken.isPresent()) {
            recordFailure(c, broken.get(), untilFirstContent);
            List<Tried> path = new ArrayList<>(ok.tried());
            Tried last = path.remove(path.size() - 1);
            path.add(new Tried(c, new Attempt(last.attempt().deployment(), last.attempt().region(), Outcome.FAILED,
                    broken, untilFirstContent.plus(readFor))));
            return List.copyOf(path);
        }
        if (callerGone) {
            health.onNeutral(c.deployment().id(), untilFirstContent, clock.instant());
        } else {
            recordSuccess(c, untilFirstContent);
        }
        return ok.tried();
    }

    /** Reports a success, and returns the wall time it was reported at. */
    private Instant recordSuccess(Candidate candidate, Duration took) {
        Instant now = clock.instant();
        health.onSuccess(candidate.deployment().id(), took, now);
        return now;
    }

    /**
     * Reports a granted call that failed: against the breaker only when the kind counts; a 429 with a
     * retry-after cools the deployment down until then.
     */
    void recordFailure(Candidate candidate, Failure failure, Duration took) {
        DeploymentId id = candidate.deployment().id();
        Instant now = clock.instant();
        if (failure.kind().countsAgainstBreaker()) {
            health.onFailure(id, took, now);
        } else {
            health.onNeutral(id, took, now);
        }
        if (failure.kind() == FailureKind.THROTTLED && failure.retryAfter().isPresent()) {
            Duration wait = failure.retryAfter().get();
            health.coolDownUntil(id, now.plus(wait.isNegative() ? Duration.ZERO : wait));
        }
    }

    private boolean pastDeadline(long deadlineNanos) {
        return ticker.getAsLong() - deadlineNanos >= 0;
    }

    /** Null when a call may go; else the skip outcome. */
    private Outcome acquire(Candidate candidate, Instant now) {
        DeploymentHealth.Availability a = health.tryAcquire(candidate.deployment().id(), now);
        return switch (a.state()) {
            case AVAILABLE -> null;
            case BREAKER_OPEN -> Outcome.SKIPPED_BREAKER_OPEN;
            case COOLING_DOWN -> Outcome.SKIPPED_COOLING_DOWN;
        };
    }

    private static Tried skip(Candidate c, Outcome outcome) {
        return new Tried(c, new Attempt(c.deployment().id(), c.deployment().region().name(), outcome,
                Optional.empty(), Duration.ZERO));
    }

    private Optional<Instant> earliestBack(List<Candidate> candidates) {
        Instant now = clock.instant();
        Instant earliest = null;
        for (Candidate c : candidates) {
            Optional<Instant> back = health.expectedBack(c.deployment().id(), now);
            if (back.isPresent() && (earliest == null || back.get().isBefore(earliest))) {
                earliest = back.get();
            }
        }
        return Optional.ofNullable(earliest);
    }

    /**
     * One request's run down the chain: the path so far, and the calls to the current candidate (the
     * first, already permitted, and its same-deployment retries). One object per request, reused from
     * candidate to candidate; the path is a single field until a second step is added, since nearly
     * every request ends at its first candidate.
     */
    private final class ChainRun<C, T> {
        private final long deadlineNanos;
        private final C context;
        private final ContextCall<C, T> call;
        private final boolean recordSuccess;
        private final long estimatedTokens;
        private final Function<? super T, CapacityReport> capacity;
        private final RequestTrace trace;
        /** Calls made so far, for each call's number in its trace. */
        private int calls;
        /** The backoff waited before the next call, for its trace. */
        private long waitedNanos;
        /** The trace of the latest call. */
        AttemptTrace span = AttemptTrace.NONE;
        /** The path: its only step, or null once {@code more} holds every step. */
        private Tried onlyStep;
        private List<Tried> more;
        private Candidate candidate;
        /** The caller's wall time, just read: the first candidate's permit is asked at it. */
        final Instant admittedAt;
        /** The next attempt was started on the load board by the pick (a retry starts its own). */
        private boolean firstStarted;
        T value;
        boolean succeeded;
        boolean interrupted;
        Duration took = Duration.ZERO;
        /** When a success was reported to the breaker; null when not reported (a stream's). */
        Instant answeredAt;

        ChainRun(long deadlineNanos, C context, ContextCall<C, T> call, boolean recordSuccess, long estimatedTokens,
                Function<? super T, CapacityReport> capacity, Instant admittedAt, RequestTrace trace) {
            this.admittedAt = admittedAt;
            this.trace = trace;
            this.deadlineNanos = deadlineNanos;
            this.context = context;
            this.call = call;
            this.recordSuccess = recordSuccess;
            this.estimatedTokens = estimatedTokens;
            this.capacity = capacity;
        }

        void add(Tried step) {
            if (more != null) {
                more.add(step);
            } else if (onlyStep == null) {
                onlyStep = step;
            } else {
                more = new ArrayList<>(4);
                more.add(onlyStep);
                more.add(step);
                onlyStep = null;
            }
        }

        /** A candidate passed over without a call. */
        void skipped(Tried step) {
            add(step);
            trace.skipped(step.attempt());
        }

        /** The path so far, unmodifiable. */
        List<Tried> tried() {
            if (more != null) {
                return List.copyOf(more);
            }
            return onlyStep == null ? List.of() : List.of(onlyStep);
        }

        /** True until a step (a call or a skip) is on the path. */
        boolean untouched() {
            return onlyStep == null && more == null;
        }

        /** Runs the calls to {@code next}, {@code tick} the ticker just read; see {@link #execute(long)}. */
        Optional<Failure> execute(Candidate next, long tick) {
            candidate = next;
            firstStarted = true;
            value = null;
            succeeded = false;
            took = Duration.ZERO;
            waitedNanos = 0; // a backoff before a retry that was not made is not this candidate's
            return execute(tick);
        }

        /**
         * Empty on success or a skipped retry; else the last failure. The first call is made at once
         * (at {@code tick}, the ticker just read); each retry after its {@link Backoff} wait, cut short
         * by the deadline.
         */
        Optional<Failure> execute(long tick) {
            int retries = settings.sameDeploymentRetries();
            if (!backoff.isNone() && deadlineNanos - tick <= backoff.min().toNanos()) {
                retries = 0; // not even the shortest wait fits before the deadline
            }
            for (int retry = 0; ; retry++) {
                if (retry > 0 && !mayRetry(retry)) {
                    return interrupted ? Optional.of(INTERRUPTED) : Optional.empty();
                }
                Failure failure = attempt(retry == 0 ? tick : ticker.getAsLong());
                if (failure == null) {
                    return Optional.empty();
                }
                if (retry >= retries || !failure.kind().retryableSameDeployment()) {
                    return Optional.of(failure);
                }
                if (!backoff.isNone() && deadlineNanos - ticker.getAsLong() <= 0) {
                    return Optional.of(failure); // no time left to wait for a retry
                }
            }
        }

        /**
         * Waits out the backoff before retry {@code retry}, never past the deadline; then the deadline
         * and the breaker (which the failure may have opened) still rule. False, with the skip on the
         * path, when the retry is not made.
         */
        private boolean mayRetry(int retry) {
            if (!backoff.isNone()) {
                long wait = Math.min(backoff.delayNanos(retry, ThreadLocalRandom.current().nextDouble()),
                        deadlineNanos - ticker.getAsLong());
                long before = ticker.getAsLong();
                try {
                    pause.nanos(wait);
                    waitedNanos = Math.max(0, ticker.getAsLong() - before);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the request's thread is being stopped
                    interrupted = true;
                    return false;
                }
            }
            if (pastDeadline(deadlineNanos)) {
                skipped(skip(candidate, Outcome.SKIPPED_DEADLINE));
                return false;
            }
            Outcome refused = acquire(candidate, clock.instant());
            if (refused != null) {
                skipped(skip(candidate, refused));
                return false;
            }
            return true;
        }

        /** One call from {@code start}: null on success (the value kept), else its failure, reported to the breaker. */
        private Failure attempt(long start) {
            long left = Math.max(1, deadlineNanos - start);
            // The configured timeout itself unless the deadline cuts it short: no Duration per call.
            Duration attemptTimeout = settings.attemptTimeout();
            Duration timeout = attemptTimeout.toNanos() <= left ? attemptTimeout : Duration.ofNanos(left);
            LoadBoard.Slot load = balancing.slot(candidate.deployment().id());
            span = trace.attempt(candidate, ++calls, waitedNanos == 0 ? Duration.ZERO : Duration.ofNanos(waitedNanos));
            waitedNanos = 0;
            if (firstStarted) {
                firstStarted = false;
            } else {
                load.started(estimatedTokens);
            }
            try {
                long end;
                // the answer's report is read while the attempt is still counted in flight (see LoadBoard)
                try {
                    value = call.call(context, candidate, timeout, span);
                    end = ticker.getAsLong();
                    load.answered(capacity.apply(value), start, estimatedTokens, end);
                } catch (EndpointException e) {
                    load.answered(e.capacity(), start, estimatedTokens, ticker.getAsLong());
                    throw e;
                } finally {
                    load.ended(estimatedTokens);
                }
                succeeded = true;
                took = Duration.ofNanos(Math.max(0, end - start));
                load.latency(end - start);
                add(new Tried(candidate, new Attempt(candidate.deployment().id(),
                        candidate.deployment().region().name(), Outcome.SUCCESS, Optional.empty(), took)));
                if (recordSuccess) {
                    answeredAt = recordSuccess(candidate, took);
                }
                return null;
            } catch (RuntimeException e) {
                Failure failure = e instanceof EndpointException ee ? ee.failure() : unexpected(e);
                long end = ticker.getAsLong();
                Duration d = Duration.ofNanos(Math.max(0, end - start));
                if (failure.kind() == FailureKind.TIMEOUT) {
                    load.latency(end - start); // as slow as it was let to be, at least
                }
                Attempt failed = new Attempt(candidate.deployment().id(), candidate.deployment().region().name(),
                        Outcome.FAILED, Optional.of(failure), d);
                add(new Tried(candidate, failed));
                span.ended(failed, Optional.empty(), Optional.empty());
                recordFailure(candidate, failure, d);
                return failure;
            }
        }

        private Failure unexpected(RuntimeException e) {
            // An endpoint must classify its failures; one that did not is treated as a broken connection.
            LOG.log(System.Logger.Level.WARNING, "endpoint for " + candidate.deployment().id()
                    + " threw an unclassified exception", e);
            return Failure.transport(FailureKind.CONNECTION_RESET, "unclassified endpoint error: " + e);
        }
    }
}

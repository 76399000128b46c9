package dev.llmrouter.ports.routing;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Attempt.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Runs one request down its fallback chain (Requirements 1.4, 1.5; Property 2).
 *
 * <h2>Algorithm</h2>
 * For each candidate, in chain order:
 * <ol>
 *   <li><b>Deadline</b>: if the request's deadline (ticker nanos) has passed, the candidate is recorded
 *       as {@link Outcome#SKIPPED_DEADLINE} and never called.</li>
 *   <li><b>Gate</b>: the caller's {@link HopGate} may refuse the candidate (the quota cannot hold a
 *       pricier model's worst case): {@link Outcome#SKIPPED_OVER_QUOTA}.</li>
 *   <li><b>Health</b>: a cooling-down deployment or one whose breaker refuses a permit is recorded as
 *       {@link Outcome#SKIPPED_COOLING_DOWN} / {@link Outcome#SKIPPED_BREAKER_OPEN}.</li>
 *   <li><b>Call</b>, under a Failsafe {@link RetryPolicy} that retries the same deployment only for
 *       kinds that are {@code retryableSameDeployment()}, at most {@code sameDeploymentRetries} times,
 *       with exponential backoff from {@code backoffMin} doubling up to {@code backoffMax} plus jitter,
 *       and never past the deadline (Failsafe's max duration is what is left of it, and each retry
 *       re-checks the deadline and the breaker before calling). Each call is one {@link Attempt}.</li>
 *   <li><b>Verdict</b>: a success ends the chain. A failure is reported to the breaker only when its
 *       kind {@code countsAgainstBreaker()} (else as neutral); a 429 with retry-after cools the
 *       deployment down until then. A final kind ({@code isFinal()}) ends the chain — except
 *       {@code CONTEXT_LENGTH_EXCEEDED}, which moves on only to candidates whose model has a larger
 *       context window (others are passed over without a call), and is final when none is left.
 *       Any other failure moves on at once: moving to the next deployment never waits for a
 *       backoff.</li>
 * </ol>
 * When the chain runs out, the result lists every call and skip, and the earliest instant any candidate
 * is expected back (breaker open-until or cooldown end).
 *
 * <p>Time: wall time ({@link InstantSource}) for the breakers and cooldowns, a nanosecond ticker for
 * durations and the deadline. Thread-safe: holds no per-request state.
 */
public final class FallbackExecutor {

    private static final System.Logger LOG = System.getLogger(FallbackExecutor.class.getName());

    private final DeploymentHealth health;
    private final RetrySettings settings;
    private final InstantSource clock;
    private final LongSupplier ticker;

    public FallbackExecutor(DeploymentHealth health, RetrySettings settings, InstantSource clock, LongSupplier ticker) {
        this.health = Objects.requireNonNull(health, "health");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
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

    /**
     * Runs the chain.
     *
     * @param candidates    in the order to try them
     * @param deadlineNanos the ticker reading after which no attempt starts
     * @param gate          asked before each candidate is called
     * @param call          the call itself
     * @param recordSuccess report a success to the breaker at once; false for streams, whose caller
     *                      reports the outcome when the stream ends ({@link #recordSuccess},
     *                      {@link #recordFailure}, {@link #recordNeutral})
     */
    public <T> ExecutionResult<T> execute(
            List<Candidate> candidates, long deadlineNanos, HopGate gate, CandidateCall<T> call, boolean recordSuccess) {
        ChainRun<T> run = new ChainRun<>(deadlineNanos, call, recordSuccess);
        int contextFloor = 0; // after a context-length failure, only larger windows are worth a call
        for (int i = 0; i < candidates.size(); i++) {
            Candidate candidate = candidates.get(i);
            if (candidate.model().contextWindow() <= contextFloor) {
                continue;
            }
            if (pastDeadline(deadlineNanos)) {
                run.add(skip(candidate, Outcome.SKIPPED_DEADLINE));
                continue;
            }
            if (!gate.mayCall(candidate)) {
                run.add(skip(candidate, Outcome.SKIPPED_OVER_QUOTA));
                continue;
            }
            Outcome refused = acquire(candidate);
            if (refused != null) {
                run.add(skip(candidate, refused));
                continue;
            }
            Optional<Failure> failed = run.execute(candidate);
            if (run.interrupted) {
                break; // the request's thread is being stopped: no further calls
            }
            if (failed.isEmpty()) {
                if (run.succeeded) {
                    return new ExecutionResult.Succeeded<>(candidate, run.value, run.took, run.tried());
                }
                continue; // skipped on a retry (deadline, breaker): move on
            }
            Failure failure = failed.get();
            if (failure.kind() == FailureKind.CONTEXT_LENGTH_EXCEEDED) {
                int window = candidate.model().contextWindow();
                boolean larger = candidates.subList(i + 1, candidates.size()).stream()
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
        return new ExecutionResult.Exhausted<>(run.tried(), earliestBack(candidates));
    }

    /** Reports a granted call that succeeded (streams report when they end). */
    public void recordSuccess(Candidate candidate, Duration took) {
        health.onSuccess(candidate.deployment().id(), took, clock.instant());
    }

    /**
     * Reports a granted call that failed: against the breaker only when the kind counts; a 429 with a
     * retry-after cools the deployment down until then.
     */
    public void recordFailure(Candidate candidate, Failure failure, Duration took) {
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

    /** Reports a granted call whose ending says nothing about health (the caller went away). */
    public void recordNeutral(Candidate candidate, Duration took) {
        health.onNeutral(candidate.deployment().id(), took, clock.instant());
    }

    private boolean pastDeadline(long deadlineNanos) {
        return ticker.getAsLong() - deadlineNanos >= 0;
    }

    /** Null when a call may go; else the skip outcome. */
    private Outcome acquire(Candidate candidate) {
        DeploymentHealth.Availability a = health.tryAcquire(candidate.deployment().id(), clock.instant());
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
     * The same-deployment retry policy for a request with {@code remainingNanos} left: retries only
     * kinds that are {@code retryableSameDeployment()}; backoff from {@code backoffMin} doubling to
     * {@code backoffMax} with jitter; Failsafe's max duration is what is left of the deadline, so no
     * backoff outlasts it; when not even {@code backoffMin} fits, no retry at all.
     */
    static <T> RetryPolicy<T> retryPolicy(RetrySettings settings, long remainingNanos) {
        return retryPolicy(settings, remainingNanos, remainingNanos);
    }

    /**
     * As {@link #retryPolicy(RetrySettings, long)}, with Failsafe's max duration {@code windowNanos}
     * instead of {@code remainingNanos}: the policy built after a first call already made covers only
     * what was left of the original window.
     */
    static <T> RetryPolicy<T> retryPolicy(RetrySettings settings, long remainingNanos, long windowNanos) {
        RetryPolicyBuilder<T> b = RetryPolicy.<T>builder()
                .handleIf(e -> e instanceof EndpointException ee && ee.failure().kind().retryableSameDeployment());
        Duration min = settings.backoffMin();
        int retries = settings.sameDeploymentRetries();
        if (!min.isZero()) {
            if (remainingNanos <= min.toNanos()) {
                retries = 0;
            } else {
                // Failsafe wants max > min; equal bounds mean a fixed delay.
                b.withBackoff(min, settings.backoffMax().compareTo(min) > 0 ? settings.backoffMax() : min.plusNanos(1));
                if (settings.jitter() > 0) {
                    b.withJitter(settings.jitter());
                }
                b.withMaxDuration(Duration.ofNanos(windowNanos));
            }
        }
        return b.withMaxRetries(retries).build();
    }

    /** Retries once more after {@code delayNanos}, for the kinds {@link #retryPolicy} retries. */
    private static <T> RetryPolicy<T> lastRetryAfter(long delayNanos) {
        return RetryPolicy.<T>builder()
                .handleIf(e -> e instanceof EndpointException ee && ee.failure().kind().retryableSameDeployment())
                .withDelay(Duration.ofNanos(delayNanos))
                .withMaxRetries(1)
                .build();
    }

    /** A retry on the same deployment was not made: the deadline passed or the breaker refused it. */
    private static final class SkippedRetry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SkippedRetry() {
            super(null, null, false, false);
        }
    }

    /**
     * One request's run down the chain: the path so far, and the calls to the current candidate (the
     * first, already permitted, and its same-deployment retries). One object per request, reused from
     * candidate to candidate; the path is a single field until a second step is added, since nearly
     * every request ends at its first candidate.
     */
    private final class ChainRun<T> {
        private final long deadlineNanos;
        private final CandidateCall<T> call;
        private final boolean recordSuccess;
        /** The path: its only step, or null once {@code more} holds every step. */
        private Tried onlyStep;
        private List<Tried> more;
        private Candidate candidate;
        T value;
        boolean succeeded;
        boolean interrupted;
        Duration took = Duration.ZERO;

        ChainRun(long deadlineNanos, CandidateCall<T> call, boolean recordSuccess) {
            this.deadlineNanos = deadlineNanos;
            this.call = call;
            this.recordSuccess = recordSuccess;
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

        /** The path so far, unmodifiable. */
        List<Tried> tried() {
            if (more != null) {
                return List.copyOf(more);
            }
            return onlyStep == null ? List.of() : List.of(onlyStep);
        }

        /** Runs the calls to {@code next}; see {@link #execute()}. */
        Optional<Failure> execute(Candidate next) {
            candidate = next;
            value = null;
            succeeded = false;
            took = Duration.ZERO;
            return execute();
        }

        /**
         * Empty on success or a skipped retry; else the last failure.
         *
         * <p>The first call is made directly: almost every call succeeds or fails for good, and building
         * a retry policy and a Failsafe execution for each of them cost more than the rest of the
         * admission path. Only a failure Failsafe would retry enters Failsafe, which then sees that
         * failure again as its own first attempt (no second call), under the same policy it would have
         * had: retries decided by what was left of the deadline before the first call, and a max
         * duration reduced by the time the first call took on Failsafe's own clock
         * ({@code System.nanoTime}), so backoffs end where they always did.
         */
        Optional<Failure> execute() {
            long remainingAtStart = deadlineNanos - ticker.getAsLong();
            long failsafeStart = System.nanoTime();
            EndpointException first;
            try {
                value = attempt(0);
                succeeded = true;
                return Optional.empty();
            } catch (EndpointException e) {
                if (!e.failure().kind().retryableSameDeployment() || settings.sameDeploymentRetries() == 0) {
                    return Optional.of(e.failure()); // Failsafe would not retry it
                }
                first = e;
            }
            long window = remainingAtStart - (System.nanoTime() - failsafeStart);
            long min = settings.backoffMin().toNanos();
            boolean bounded = min > 0 && remainingAtStart > min; // the policy has a max duration
            if (bounded && window <= 0) {
                return Optional.of(first.failure()); // Failsafe's max duration already passed: no retry
            }
            // Failsafe wants a max duration above the shortest backoff; when less than that is left, the
            // one retry it would have made waits out what is left (its delay capped by the max duration).
            RetryPolicy<T> policy = bounded && window <= min
                    ? lastRetryAfter(window)
                    : retryPolicy(settings, remainingAtStart, window);
            try {
                value = Failsafe.with(policy)
                        .get(ctx -> {
                            if (ctx.getAttemptCount() == 0) {
                                throw first;
                            }
                            return attempt(ctx.getAttemptCount());
                        });
                succeeded = true;
                return Optional.empty();
            } catch (EndpointException e) {
                return Optional.of(e.failure());
            } catch (SkippedRetry e) {
                return Optional.empty();
            } catch (FailsafeException e) {
                // Interrupted while waiting for a backoff: stop the whole chain.
                Thread.currentThread().interrupt();
                interrupted = true;
                return Optional.of(Failure.transport(FailureKind.TIMEOUT, "interrupted while backing off"));
            }
        }

        private T attempt(int index) {
            if (index > 0) {
                // A retry: the deadline and the breaker (which this failure may have opened) still rule.
                if (pastDeadline(deadlineNanos)) {
                    add(skip(candidate, Outcome.SKIPPED_DEADLINE));
                    throw new SkippedRetry();
                }
                Outcome refused = acquire(candidate);
                if (refused != null) {
                    add(skip(candidate, refused));
                    throw new SkippedRetry();
                }
            }
            long start = ticker.getAsLong();
            long left = Math.max(1, deadlineNanos - start);
            // The configured timeout itself unless the deadline cuts it short: no Duration per call.
            Duration attemptTimeout = settings.attemptTimeout();
            Duration timeout = attemptTimeout.toNanos() <= left ? attemptTimeout : Duration.ofNanos(left);
            try {
                T result = call.call(candidate, timeout);
                took = Duration.ofNanos(Math.max(0, ticker.getAsLong() - start));
                add(new Tried(candidate, new Attempt(candidate.deployment().id(),
                        candidate.deployment().region().name(), Outcome.SUCCESS, Optional.empty(), took)));
                if (recordSuccess) {
                    recordSuccess(candidate, took);
                }
                return result;
            } catch (RuntimeException e) {
                Failure failure = e instanceof EndpointException ee ? ee.failure() : unexpected(e);
                Duration d = Duration.ofNanos(Math.max(0, ticker.getAsLong() - start));
                add(new Tried(candidate, new Attempt(candidate.deployment().id(),
                        candidate.deployment().region().name(), Outcome.FAILED, Optional.of(failure), d)));
                recordFailure(candidate, failure, d);
                throw e instanceof EndpointException ee ? ee : new EndpointException(failure, e);
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

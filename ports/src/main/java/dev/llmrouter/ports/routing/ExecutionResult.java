package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.telemetry.AttemptTrace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a fallback chain ended ({@link FallbackExecutor}). Every case carries the whole path, calls and
 * skips, in order.
 *
 * @param <T> what a successful call produced
 */
public sealed interface ExecutionResult<T> {

    List<Tried> tried();

    default List<Attempt> attempts() {
        return Tried.attempts(tried());
    }

    /** The last candidate actually called, if any was. */
    default Optional<Candidate> lastCalled() {
        List<Tried> t = tried();
        for (int i = t.size() - 1; i >= 0; i--) {
            if (t.get(i).attempt().reachedDeployment()) {
                return Optional.of(t.get(i).candidate());
            }
        }
        return Optional.empty();
    }

    /** True when at least one deployment was called. */
    default boolean reachedDeployment() {
        return lastCalled().isPresent();
    }

    /**
     * A candidate answered; {@code took} is that last call's duration; {@code answeredAt} the wall time
     * the success was reported to the breaker at, or null when it is reported later (a stream's, when
     * it ends), so that a plain call's record is stamped without a second reading of the clock.
     * {@code trace} is that call's trace, still open: the caller ends it once it knows the answer's
     * usage (a plain call) or the stream's end.
     */
    record Succeeded<T>(Candidate candidate, T value, Duration took, List<Tried> tried, Instant answeredAt,
            AttemptTrace trace)
            implements ExecutionResult<T> {
        public Succeeded {
            tried = List.copyOf(tried);
            Objects.requireNonNull(trace, "trace");
        }

        /** An untraced success, stamped later. */
        public Succeeded(Candidate candidate, T value, Duration took, List<Tried> tried) {
            this(candidate, value, took, tried, null, AttemptTrace.NONE);
        }
    }

    /** A failure another deployment would repeat stopped the chain. */
    record FailedFinally<T>(Candidate candidate, Failure failure, List<Tried> tried) implements ExecutionResult<T> {
        public FailedFinally {
            tried = List.copyOf(tried);
        }
    }

    /**
     * Every candidate failed or was skipped.
     *
     * @param retryAt the earliest time a skipped or failed deployment is expected back (breaker
     *                open-until, cooldown end), if any is known
     */
    record Exhausted<T>(List<Tried> tried, Optional<Instant> retryAt) implements ExecutionResult<T> {
        public Exhausted {
            tried = List.copyOf(tried);
        }
    }
}

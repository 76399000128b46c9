package dev.llmrouter.ports.telemetry;

import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.router.Attempt;
import java.time.Duration;
import java.util.Optional;

/**
 * The trace of one call to one deployment (Requirement 10.1), ended exactly once by {@link #ended}.
 * A plain call ends when its answer (or failure) is in; a stream when it is read to its end.
 */
public interface AttemptTrace {

    /**
     * The W3C {@code traceparent} header value that names this attempt to the deployment (Requirement
     * 10.2), or empty when the attempt is not traced.
     */
    default String traceparent() {
        return "";
    }

    /** A stream's first content chunk arrived, {@code sinceStart} after the call began. */
    default void firstChunk(Duration sinceStart) {}

    /**
     * The call ended.
     *
     * @param attempt       its outcome and failure as the router recorded them
     * @param usage         the tokens the deployment reported, when it answered
     * @param answer        the deployment's JSON answer (plain calls), from which an implementation may
     *                      read the model and finish reasons; never to be recorded as content unless
     *                      the operator asked for content capture
     */
    default void ended(Attempt attempt, Optional<TokenUsage> usage, Optional<byte[]> answer) {}

    AttemptTrace NONE = new AttemptTrace() {};
}

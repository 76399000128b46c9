package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.telemetry.AttemptTrace;
import dev.llmrouter.ports.telemetry.RequestTrace;
import dev.llmrouter.ports.telemetry.RouterTracer;
import java.time.Duration;
import java.util.Optional;

/**
 * Tracing never breaks the call path: every call to the tracer and to the traces it opens is guarded,
 * a failure logged and swallowed (a trace that failed to open is no trace). Untraced requests
 * ({@link RequestTrace#NONE}) are passed through unwrapped.
 */
final class GuardedTracer implements RouterTracer {

    private static final System.Logger LOG = System.getLogger(GuardedTracer.class.getName());

    private final RouterTracer delegate;

    GuardedTracer(RouterTracer delegate) {
        this.delegate = delegate;
    }

    @Override
    public RequestTrace start(ChatCommand command) {
        try {
            RequestTrace trace = delegate.start(command);
            return trace == null || trace == RequestTrace.NONE ? RequestTrace.NONE : new Request(trace);
        } catch (RuntimeException e) {
            swallow("start", e);
            return RequestTrace.NONE;
        }
    }

    private static void swallow(String what, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "tracer " + what + " failed; the request goes on", e);
    }

    private record Request(RequestTrace delegate) implements RequestTrace {

        @Override
        public String traceId() {
            try {
                String id = delegate.traceId();
                return id == null ? "" : id;
            } catch (RuntimeException e) {
                swallow("traceId", e);
                return "";
            }
        }

        @Override
        public void routed(Optional<Tier> requestedTier, Tier firstTier, Optional<String> downgrade, int candidates) {
            try {
                delegate.routed(requestedTier, firstTier, downgrade, candidates);
            } catch (RuntimeException e) {
                swallow("routed", e);
            }
        }

        @Override
        public void skipped(Attempt skip) {
            try {
                delegate.skipped(skip);
            } catch (RuntimeException e) {
                swallow("skipped", e);
            }
        }

        @Override
        public AttemptTrace attempt(Candidate candidate, int number, Duration backoffWaited) {
            try {
                AttemptTrace trace = delegate.attempt(candidate, number, backoffWaited);
                return trace == null || trace == AttemptTrace.NONE ? AttemptTrace.NONE : new Call(trace);
            } catch (RuntimeException e) {
                swallow("attempt", e);
                return AttemptTrace.NONE;
            }
        }

        @Override
        public void refused(Refusal refusal) {
            try {
                delegate.refused(refusal);
            } catch (RuntimeException e) {
                swallow("refused", e);
            }
        }

        @Override
        public void ended(Optional<UsageRecord> record, long reservedTokens, Money reservedCost, boolean settled) {
            try {
                delegate.ended(record, reservedTokens, reservedCost, settled);
            } catch (RuntimeException e) {
                swallow("ended", e);
            }
        }
    }

    private record Call(AttemptTrace delegate) implements AttemptTrace {

        @Override
        public String traceparent() {
            try {
                String header = delegate.traceparent();
                return header == null ? "" : header;
            } catch (RuntimeException e) {
                swallow("traceparent", e);
                return "";
            }
        }

        @Override
        public void firstChunk(Duration sinceStart) {
            try {
                delegate.firstChunk(sinceStart);
            } catch (RuntimeException e) {
                swallow("firstChunk", e);
            }
        }

        @Override
        public void ended(Attempt attempt, Optional<TokenUsage> usage, Optional<byte[]> answer) {
            try {
                delegate.ended(attempt, usage, answer);
            } catch (RuntimeException e) {
                swallow("attempt ended", e);
            }
        }
    }
}

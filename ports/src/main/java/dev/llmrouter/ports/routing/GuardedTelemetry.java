package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import java.time.Instant;

/** Observers never break the call path: every telemetry call is guarded, a failure logged and swallowed. */
final class GuardedTelemetry implements RouterTelemetry {

    private static final System.Logger LOG = System.getLogger(GuardedTelemetry.class.getName());

    private final RouterTelemetry delegate;

    GuardedTelemetry(RouterTelemetry delegate) {
        this.delegate = delegate;
    }

    @Override
    public void attempt(String model, Attempt attempt) {
        try {
            delegate.attempt(model, attempt);
        } catch (RuntimeException e) {
            swallow("attempt", e);
        }
    }

    @Override
    public void attempt(String model, ChatOperation operation, Attempt attempt) {
        try {
            delegate.attempt(model, operation, attempt);
        } catch (RuntimeException e) {
            swallow("attempt", e);
        }
    }

    @Override
    public void requestCompleted(UsageRecord record, int fallbacks, ChatOperation operation) {
        try {
            delegate.requestCompleted(record, fallbacks, operation);
        } catch (RuntimeException e) {
            swallow("requestCompleted", e);
        }
    }

    @Override
    public void requestCompleted(UsageRecord record, int fallbacks) {
        try {
            delegate.requestCompleted(record, fallbacks);
        } catch (RuntimeException e) {
            swallow("requestCompleted", e);
        }
    }

    @Override
    public void refused(Refusal.Reason reason) {
        try {
            delegate.refused(reason);
        } catch (RuntimeException e) {
            swallow("refused", e);
        }
    }

    @Override
    public void breakerTransition(String deploymentId, String from, String to, Instant at, String reason) {
        try {
            delegate.breakerTransition(deploymentId, from, to, at, reason);
        } catch (RuntimeException e) {
            swallow("breakerTransition", e);
        }
    }

    private static void swallow(String what, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "telemetry " + what + " failed; the request goes on", e);
    }
}

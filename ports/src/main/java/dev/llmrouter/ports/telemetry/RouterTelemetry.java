package dev.llmrouter.ports.telemetry;

import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Refusal;
import java.time.Instant;

/**
 * Outbound port: what the router reports as it works. Implementations must be cheap and must never
 * throw into the call path; the router also guards every call (a telemetry failure is logged and
 * swallowed, never fails a request).
 */
public interface RouterTelemetry {

    /** One attempt at (or skip of) a deployment. */
    default void attempt(String model, Attempt attempt) {}

    /**
     * One attempt at (or skip of) a deployment, for a request of a known API operation (chat or the
     * legacy text completion). Defaults to {@link #attempt(String, Attempt)}; implementations that tag
     * by operation override it.
     */
    default void attempt(String model, ChatOperation operation, Attempt attempt) {
        attempt(model, attempt);
    }

    /** A request that reached a deployment has ended; {@code record} is its usage record. */
    default void requestCompleted(UsageRecord record, int fallbacks) {}

    /**
     * A request of a known API operation that reached a deployment has ended. Defaults to
     * {@link #requestCompleted(UsageRecord, int)}.
     */
    default void requestCompleted(UsageRecord record, int fallbacks, ChatOperation operation) {
        requestCompleted(record, fallbacks);
    }

    /** A request refused before any deployment (rate limit, quota, no route). */
    default void refused(Refusal.Reason reason) {}

    /** A deployment's breaker moved from one state to another ({@code closed}, {@code open}, {@code half_open}). */
    default void breakerTransition(String deploymentId, String from, String to, Instant at, String reason) {}

    RouterTelemetry NOOP = new RouterTelemetry() {};
}

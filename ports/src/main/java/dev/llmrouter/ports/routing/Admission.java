package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.RoutePlan;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.telemetry.AttemptTrace;
import java.time.Duration;
import java.time.Instant;

/** What {@link AdmissionControl} made of a request: refused, or admitted with everything its calls need. */
sealed interface Admission {

    /** Refused before any deployment was called: nothing is reserved and nothing will be recorded. */
    record Refused(ChatOutcome.Refused outcome) implements Admission {}

    /**
     * Admitted: routed, within its rate limits, and its worst case reserved against its quota.
     *
     * @param requestId     the caller's id, or a new one
     * @param startNanos    the ticker reading when admission began
     * @param admittedAt    the wall clock when the request was admitted (its quota reserved): the
     *                      first breaker permit is asked at this instant rather than at a second reading
     * @param rateLimit     the caller's rate-limit status after this request was counted
     * @param quota         the reservation, which must end exactly once (settled or released)
     * @param deadlineNanos the ticker reading after which no attempt starts
     */
    record Admitted(ChatCommand command, String requestId, long startNanos, Instant admittedAt, PromptEstimates estimates,
            RoutePlan.Routed routed, RateLimitStatus rateLimit, QuotaHop quota, long deadlineNanos)
            implements Admission {

        ChatRequest request() {
            return command.request();
        }

        /** The request's tokens as the first model's rate limit counts them: what a deployment must have left. */
        long estimatedTokens() {
            return estimates.expectedTokens(routed.candidates().get(0).model());
        }

        ChatCall chatCall(Candidate candidate, Duration timeout, AttemptTrace trace) {
            return new ChatCall(candidate, command.request(), estimates.outputCap(candidate.model()), timeout, requestId,
                    trace.traceparent());
        }

        RouteInfo route(Candidate c) {
            return new RouteInfo(routed.requestedTier(), c.tier(), c.model(), c.deployment(), routed.downgrade(),
                    c.fallDown());
        }
    }
}

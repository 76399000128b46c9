package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.telemetry.AttemptTrace;
import dev.llmrouter.ports.telemetry.RequestTrace;
import java.util.List;
import java.util.Optional;

/**
 * The non-streaming call of an admitted request: its chain run by the {@link FallbackExecutor}, the
 * answer priced at the deployment that gave it, and the ending handed to the {@link UsageRecorder}.
 * Thread-safe.
 */
final class PlainCall {

    private final FallbackExecutor executor;
    private final UsageRecorder recorder;
    private final FallbackExecutor.ContextCall<Admission.Admitted, ChatReply> complete;

    PlainCall(ChatEndpoint endpoint, FallbackExecutor executor, UsageRecorder recorder) {
        this.executor = executor;
        this.recorder = recorder;
        this.complete = (a, candidate, timeout, span) -> endpoint.complete(a.chatCall(candidate, timeout, span));
    }

    ChatOutcome run(Admission.Admitted a, RequestTrace trace) {
        ExecutionResult<ChatReply> result = executor.execute(a.routed().candidates(), a.routed().groups(),
                a.estimatedTokens(), a.deadlineNanos(), a.quota(), a, complete, ChatReply::capacity, true, a.admittedAt(),
                trace);
        if (!(result instanceof ExecutionResult.Succeeded<ChatReply> ok)) {
            return recorder.failed(a, result, trace);
        }
        TokenUsage usage = ok.value().usage();
        String spilledFrom = ok.value().spilledFrom();
        Candidate served = recorder.servedBy(ok.candidate(), spilledFrom);
        if (ok.trace() != AttemptTrace.NONE) {
            List<Tried> tried = result.tried();
            ok.trace().ended(tried.get(tried.size() - 1).attempt(), Optional.of(usage), Optional.of(ok.value().body()));
        }
        Money cost = served.pricing().costOf(usage);
        recorder.consumed(a, served, usage, cost, Optional.empty(), UsageOutcome.SUCCESS, result.tried(),
                ok.answeredAt(), spilledFrom, trace);
        return new ChatOutcome.Served(a.route(served), Optional.of(ok.value()), usage, cost, result.attempts(),
                a.rateLimit());
    }
}

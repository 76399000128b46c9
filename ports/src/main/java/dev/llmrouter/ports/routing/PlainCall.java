package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.router.ChatOutcome;
import java.util.Optional;

/**
 * The non-streaming call of an admitted request: its chain run by the {@link FallbackExecutor}, the
 * answer priced at the model that gave it, and the ending handed to the {@link UsageRecorder}.
 * Thread-safe.
 */
final class PlainCall {

    private final FallbackExecutor executor;
    private final UsageRecorder recorder;
    private final FallbackExecutor.ContextCall<Admission.Admitted, ChatReply> complete;

    PlainCall(ChatEndpoint endpoint, FallbackExecutor executor, UsageRecorder recorder) {
        this.executor = executor;
        this.recorder = recorder;
        this.complete = (a, candidate, timeout) -> endpoint.complete(a.chatCall(candidate, timeout));
    }

    ChatOutcome run(Admission.Admitted a) {
        ExecutionResult<ChatReply> result = executor.execute(a.routed().candidates(), a.routed().groups(),
                a.estimatedTokens(), a.deadlineNanos(), a.quota(), a, complete, ChatReply::capacity, true, a.admittedAt());
        if (!(result instanceof ExecutionResult.Succeeded<ChatReply> ok)) {
            return recorder.failed(a, result);
        }
        TokenUsage usage = ok.value().usage();
        Money cost = ok.candidate().model().pricing().costOf(usage);
        recorder.consumed(a, ok.candidate(), usage, cost, Optional.empty(), UsageOutcome.SUCCESS, result.tried(),
                ok.answeredAt());
        return new ChatOutcome.Served(a.route(ok.candidate()), Optional.of(ok.value()), usage, cost, result.attempts(),
                a.rateLimit());
    }
}

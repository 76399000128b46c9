package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.router.ChatOutcome;
import java.util.Optional;

/**
 * The non-streaming call of an admitted request: its chain run by the {@link FallbackExecutor}, the
 * answer priced at the deployment that gave it, and the ending handed to the {@link UsageRecorder}.
 * Thread-safe.
 */
final class PlainCall {

    private final ChatEndpoint endpoint;
    private final FallbackExecutor executor;
    private final UsageRecorder recorder;

    PlainCall(ChatEndpoint endpoint, FallbackExecutor executor, UsageRecorder recorder) {
        this.endpoint = endpoint;
        this.executor = executor;
        this.recorder = recorder;
    }

    ChatOutcome run(Admission.Admitted a) {
        ExecutionResult<ChatReply> result = executor.execute(a.routed().candidates(), a.routed().groups(),
                a.estimatedTokens(), a.deadlineNanos(), a.quota(), (c, timeout) -> endpoint.complete(a.chatCall(c, timeout)),
                ChatReply::capacity, true);
        if (!(result instanceof ExecutionResult.Succeeded<ChatReply> ok)) {
            return recorder.failed(a, result);
        }
        TokenUsage usage = ok.value().usage();
        String spilledFrom = ok.value().spilledFrom();
        Candidate served = recorder.servedBy(ok.candidate(), spilledFrom);
        Money cost = served.pricing().costOf(usage);
        recorder.consumed(a, served, usage, cost, Optional.empty(), UsageOutcome.SUCCESS, result.tried(), spilledFrom);
        return new ChatOutcome.Served(a.route(served), Optional.of(ok.value()), usage, cost, result.attempts(),
                a.rateLimit());
    }
}

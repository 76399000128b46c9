package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.RouteInfo;
import dev.llmrouter.ports.router.StreamListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The streaming call of an admitted request, from the upstream stream to the caller's listener.
 *
 * <p>A candidate's stream counts as started once its first content chunk arrived; a failure before that
 * closes it and the chain falls back invisibly. Then {@link StreamListener#onStart} is called once, the
 * chunks so far and the rest follow. A later failure ends in {@link ChatOutcome.StreamBroken}; a caller
 * who goes away ({@code onChunk} false, or a listener that throws) closes the upstream stream. Either
 * way the tokens so far are metered and recorded; how the stream ended is reported to the deployment's
 * health by the {@link FallbackExecutor}. A usage-only chunk reaches the caller only when it asked for
 * usage. Thread-safe.
 */
final class StreamRelay {

    private static final System.Logger LOG = System.getLogger(StreamRelay.class.getName());

    private final ChatEndpoint endpoint;
    private final FallbackExecutor executor;
    private final UsageRecorder recorder;
    private final LongSupplier ticker;

    StreamRelay(ChatEndpoint endpoint, FallbackExecutor executor, UsageRecorder recorder, LongSupplier ticker) {
        this.endpoint = endpoint;
        this.executor = executor;
        this.recorder = recorder;
        this.ticker = ticker;
    }

    /** A stream opened on a candidate and read up to its first content chunk (or its end). */
    private record Started(ChatStream stream, List<StreamChunk> head, boolean ended, long firstContentNanos) {}

    ChatOutcome run(Admission.Admitted a, StreamListener listener) {
        ExecutionResult<Started> result = executor.execute(a.routed().candidates(), a.routed().groups(),
                a.estimatedTokens(), a.deadlineNanos(), a.quota(), (c, timeout) -> open(a.chatCall(c, timeout)),
                started -> started.stream().capacity(), false);
        if (!(result instanceof ExecutionResult.Succeeded<Started> ok)) {
            return recorder.failed(a, result);
        }
        return relay(a, ok, listener);
    }

    private Started open(ChatCall call) {
        ChatStream stream = endpoint.openStream(call);
        // Nearly every stream's first chunk has content: a one-chunk head needs no growable list.
        List<StreamChunk> head = null;
        try {
            while (true) {
                Optional<StreamChunk> next = stream.next();
                if (next.isEmpty()) {
                    return new Started(stream, head == null ? List.of() : head, true, ticker.getAsLong());
                }
                StreamChunk chunk = next.get();
                if (head == null && chunk.hasContent()) {
                    return new Started(stream, List.of(chunk), false, ticker.getAsLong());
                }
                if (head == null) {
                    head = new ArrayList<>();
                }
                head.add(chunk);
                if (chunk.hasContent()) {
                    return new Started(stream, head, false, ticker.getAsLong());
                }
            }
        } catch (RuntimeException e) {
            close(stream); // nothing reached the caller: fall back invisibly
            throw e;
        }
    }

    private ChatOutcome relay(Admission.Admitted a, ExecutionResult.Succeeded<Started> ok, StreamListener listener) {
        Candidate c = ok.candidate();
        Started started = ok.value();
        ChatStream stream = started.stream();
        // Known when the stream opened: the caller's headers name the deployment that serves it.
        String spilledFrom = stream.spilledFrom();
        Candidate served = recorder.servedBy(c, spilledFrom);
        RouteInfo route = a.route(served);
        boolean includeUsage = a.request().includeUsage();
        boolean callerGone = false;
        Failure broken = null;
        TokenUsage usage;
        try {
            callerGone = !start(listener, route, a.rateLimit());
            for (int i = 0; i < started.head().size() && !callerGone; i++) {
                callerGone = !forward(listener, started.head().get(i), includeUsage);
            }
            if (!started.ended()) {
                while (!callerGone) {
                    Optional<StreamChunk> next = stream.next();
                    if (next.isEmpty()) {
                        break;
                    }
                    callerGone = !forward(listener, next.get(), includeUsage);
                }
            }
        } catch (EndpointException e) {
            Failure cause = e.failure();
            broken = new Failure(FailureKind.STREAM_INTERRUPTED, cause.status(), cause.code(),
                    cause.kind() + (cause.message().isEmpty() ? "" : ": " + cause.message()), cause.retryAfter(), cause.body());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream from " + c.deployment().id() + " failed unclassified", e);
            broken = Failure.transport(FailureKind.STREAM_INTERRUPTED, "unclassified stream error: " + e);
        } finally {
            usage = safeUsage(stream, a, c);
            close(stream);
        }
        Duration readFor = Duration.ofNanos(Math.max(0, ticker.getAsLong() - started.firstContentNanos()));
        List<Tried> tried = executor.streamEnded(ok, Optional.ofNullable(broken), callerGone, readFor);
        Money cost = served.pricing().costOf(usage);
        Optional<Duration> ttft = Optional.of(Duration.ofNanos(Math.max(0, started.firstContentNanos() - a.startNanos())));
        UsageOutcome outcome = broken != null ? UsageOutcome.STREAM_INTERRUPTED
                : callerGone ? UsageOutcome.CANCELLED : UsageOutcome.SUCCESS;
        recorder.consumed(a, served, usage, cost, ttft, outcome, tried, spilledFrom);
        List<Attempt> attempts = Tried.attempts(tried);
        if (outcome != UsageOutcome.SUCCESS) {
            return new ChatOutcome.StreamBroken(route, Optional.ofNullable(broken), usage, cost, attempts, a.rateLimit());
        }
        return new ChatOutcome.Served(route, Optional.empty(), usage, cost, attempts, a.rateLimit());
    }

    private static boolean start(StreamListener listener, RouteInfo route, RateLimitStatus rateLimit) {
        try {
            listener.onStart(route, rateLimit);
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "stream listener failed on start; treating the caller as gone", e);
            return false;
        }
    }

    /** Hands one chunk on; false when the caller is gone. Usage-only chunks only to callers who asked. */
    private static boolean forward(StreamListener listener, StreamChunk chunk, boolean includeUsage) {
        if (chunk.usageOnly() && !includeUsage) {
            return true;
        }
        try {
            return listener.onChunk(chunk);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "stream listener failed; treating the caller as gone", e);
            return false;
        }
    }

    private static void close(ChatStream stream) {
        try {
            stream.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing an upstream stream failed", e);
        }
    }

    private static TokenUsage safeUsage(ChatStream stream, Admission.Admitted a, Candidate c) {
        try {
            return stream.usage();
        } catch (RuntimeException e) {
            // Still meter what we can: the prompt as estimated for this model.
            LOG.log(System.Logger.Level.WARNING, "stream of " + c.deployment().id() + " could not report usage", e);
            return new TokenUsage(a.estimates().of(c.model().encoding()).expectedTokens(), 0);
        }
    }
}

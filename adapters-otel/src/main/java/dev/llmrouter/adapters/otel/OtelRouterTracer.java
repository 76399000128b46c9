package dev.llmrouter.adapters.otel;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.telemetry.AttemptTrace;
import dev.llmrouter.ports.telemetry.RequestTrace;
import dev.llmrouter.ports.telemetry.RouterTracer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The router's traces as OpenTelemetry spans (Requirement 10.1): the request's span and one
 * {@link SpanKind#CLIENT} child per call to a deployment, named {@code {gen_ai.operation.name}
 * {gen_ai.request.model}} and carrying the GenAI attributes ({@link Attrs}) and the router's own.
 *
 * <p>The request's span is the gateway's server span when the request came through it
 * ({@link ServerSpans} marks it in the context); an embedding application gets an
 * {@link SpanKind#INTERNAL} span of its own, a child of whatever span is current on the caller's thread.
 * Deployments passed over without a call are events on the request span: no call, no client span.
 *
 * <p>No prompt or answer text is recorded: an answer is read only for its model, id and finish reasons.
 */
public final class OtelRouterTracer implements RouterTracer {

    private final Tracer tracer;

    public OtelRouterTracer(Tracer tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
    }

    @Override
    public RequestTrace start(ChatCommand command) {
        Context parent = Context.current();
        String operation = operationName(command.request().operation());
        String requested = command.requested() == null ? "" : command.requested();
        Span span = ServerSpans.requestSpan(parent);
        boolean owned = span == null;
        if (owned) {
            span = tracer.spanBuilder(requested.isEmpty() ? operation : operation + " " + requested)
                    .setParent(parent)
                    .setSpanKind(SpanKind.INTERNAL)
                    .startSpan();
        }
        if (!span.isRecording()) {
            // Not sampled: still a parent, so a deployment learns the caller's trace, but nothing is recorded.
            return new Request(span, parent.with(span), operation, false, owned);
        }
        span.setAttribute(Attrs.OPERATION, operation);
        span.setAttribute(Attrs.PROVIDER_NAME, Attrs.PROVIDER);
        if (!requested.isEmpty()) {
            span.setAttribute(Attrs.REQUEST_MODEL, requested);
        }
        span.setAttribute(Attrs.ACCOUNT, command.caller().accountId());
        if (command.requestId() != null && !command.requestId().isEmpty()) {
            span.setAttribute(Attrs.REQUEST_ID, command.requestId());
        }
        return new Request(span, parent.with(span), operation, true, owned);
    }

    static String operationName(ChatOperation operation) {
        return switch (operation) {
            // The Responses API is chat's successor: traced as chat, as the metrics tag it.
            case CHAT, RESPONSES -> "chat";
            case TEXT_COMPLETION -> "text_completion";
            case EMBEDDINGS -> "embeddings";
        };
    }

    /** Every kind of token on the span; a kind the answer did not report is left off rather than set to 0. */
    static void usage(Span span, TokenUsage u) {
        span.setAttribute(Attrs.INPUT_TOKENS, u.inputTokens());
        span.setAttribute(Attrs.OUTPUT_TOKENS, u.outputTokens());
        if (u.cachedInputTokens() > 0) {
            span.setAttribute(Attrs.CACHE_READ_TOKENS, u.cachedInputTokens());
        }
        if (u.cacheWriteTokens() > 0) {
            span.setAttribute(Attrs.CACHE_CREATION_TOKENS, u.cacheWriteTokens());
        }
        if (u.reasoningTokens() > 0) {
            span.setAttribute(Attrs.REASONING_TOKENS, u.reasoningTokens());
        }
    }

    static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The W3C {@code traceparent} naming {@code span}, or empty for an invalid one. */
    static String traceparent(SpanContext span) {
        if (!span.isValid()) {
            return "";
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    private final class Request implements RequestTrace {
        private final Span span;
        private final Context context;
        private final String operation;
        private final boolean recording;
        private final boolean owned;
        /** Calls made, and the moves from one deployment to another between consecutive calls. */
        private int calls;
        private int fallbacks;
        private String lastDeployment;

        Request(Span span, Context context, String operation, boolean recording, boolean owned) {
            this.span = span;
            this.context = context;
            this.operation = operation;
            this.recording = recording;
            this.owned = owned;
        }

        @Override
        public String traceId() {
            SpanContext sc = span.getSpanContext();
            return sc.isValid() ? sc.getTraceId() : "";
        }

        @Override
        public void routed(Optional<Tier> requestedTier, Tier firstTier, Optional<String> downgrade, int candidates) {
            if (!recording) {
                return;
            }
            requestedTier.ifPresent(t -> span.setAttribute(Attrs.TIER_REQUESTED, t.id()));
            downgrade.ifPresent(reason -> span.setAttribute(Attrs.DOWNGRADE_REASON, reason));
            span.setAttribute(Attrs.CANDIDATES, (long) candidates);
        }

        @Override
        public void skipped(Attempt skip) {
            if (recording) {
                span.addEvent(Attrs.SKIPPED_EVENT, Attributes.of(Attrs.DEPLOYMENT, skip.deployment().value(),
                        Attrs.REGION, skip.region(), Attrs.ATTEMPT_OUTCOME, lower(skip.outcome())));
            }
        }

        @Override
        public AttemptTrace attempt(Candidate candidate, int number, Duration backoffWaited) {
            String model = candidate.model().id();
            String deployment = candidate.deployment().id().value();
            calls++;
            if (lastDeployment != null && !lastDeployment.equals(deployment)) {
                fallbacks++;
            }
            lastDeployment = deployment;
            Span call = tracer.spanBuilder(operation + " " + model)
                    .setParent(context)
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute(Attrs.OPERATION, operation)
                    .setAttribute(Attrs.PROVIDER_NAME, Attrs.PROVIDER)
                    .setAttribute(Attrs.REQUEST_MODEL, model)
                    .setAttribute(Attrs.DEPLOYMENT, deployment)
                    .setAttribute(Attrs.REGION, candidate.deployment().region().name())
                    .setAttribute(Attrs.TIER_SERVED, candidate.tier().id())
                    .setAttribute(Attrs.ATTEMPT_NUMBER, (long) number)
                    .setAttribute(Attrs.BACKOFF_MS, backoffWaited.toMillis())
                    .startSpan();
            return new Call(call);
        }

        @Override
        public void refused(Refusal refusal) {
            if (recording) {
                span.setAttribute(Attrs.REFUSAL, lower(refusal.reason()));
                span.setAttribute(Attrs.OUTCOME, "refused");
            }
            if (owned) {
                span.setStatus(StatusCode.ERROR, refusal.reason().name());
                span.end();
            }
        }

        @Override
        public void ended(Optional<UsageRecord> record, long reservedTokens, Money reservedCost, boolean settled) {
            if (recording) {
                span.setAttribute(Attrs.QUOTA_RESERVED_TOKENS, reservedTokens);
                span.setAttribute(Attrs.CALLS, (long) calls);
                span.setAttribute(Attrs.FALLBACKS, (long) fallbacks);
                span.setAttribute(Attrs.QUOTA_RESERVED_USD, reservedCost.toUsdString());
                if (record.isPresent()) {
                    UsageRecord r = record.get();
                    span.setAttribute(Attrs.TIER_SERVED, r.tier().id());
                    span.setAttribute(Attrs.RESPONSE_MODEL, r.model());
                    span.setAttribute(Attrs.DEPLOYMENT, r.deployment());
                    span.setAttribute(Attrs.REGION, r.region());
                    usage(span, r.tokens());
                    span.setAttribute(Attrs.COST_USD, r.cost().toUsdString());
                    span.setAttribute(Attrs.OUTCOME, lower(r.outcome()));
                    r.timeToFirstToken().ifPresent(t -> span.setAttribute(Attrs.TIME_TO_FIRST_CHUNK_MS, t.toMillis()));
                    if (settled) {
                        span.setAttribute(Attrs.QUOTA_SETTLED_TOKENS, r.tokens().totalTokens());
                        span.setAttribute(Attrs.QUOTA_SETTLED_USD, r.cost().toUsdString());
                    }
                } else {
                    span.setAttribute(Attrs.OUTCOME, "exhausted");
                }
            }
            if (owned) {
                if (record.isEmpty() || record.get().outcome() != UsageOutcome.SUCCESS) {
                    span.setStatus(StatusCode.ERROR, record.map(r -> r.outcome().name()).orElse("EXHAUSTED"));
                }
                span.end();
            }
        }
    }

    private static final class Call implements AttemptTrace {
        private final Span span;

        Call(Span span) {
            this.span = span;
        }

        @Override
        public String traceparent() {
            return OtelRouterTracer.traceparent(span.getSpanContext());
        }

        @Override
        public void firstChunk(Duration sinceStart) {
            span.addEvent(Attrs.FIRST_CHUNK_EVENT, Attributes.of(Attrs.TIME_TO_FIRST_CHUNK_MS, sinceStart.toMillis()));
        }

        @Override
        public void ended(Attempt attempt, Optional<TokenUsage> usage, Optional<byte[]> answer) {
            if (span.isRecording()) {
                span.setAttribute(Attrs.ATTEMPT_OUTCOME, lower(attempt.outcome()));
                span.setAttribute(Attrs.DURATION_MS, attempt.duration().toMillis());
                usage.ifPresent(u -> usage(span, u));
                answer.ifPresent(body -> {
                    AnswerFields fields = AnswerFields.read(body);
                    if (!fields.model().isEmpty()) {
                        span.setAttribute(Attrs.RESPONSE_MODEL, fields.model());
                    }
                    if (!fields.id().isEmpty()) {
                        span.setAttribute(Attrs.RESPONSE_ID, fields.id());
                    }
                    if (!fields.finishReasons().isEmpty()) {
                        span.setAttribute(Attrs.FINISH_REASONS, fields.finishReasons());
                    }
                });
                attempt.failure().ifPresent(this::failed);
            }
            span.end();
        }

        private void failed(Failure failure) {
            String kind = lower(failure.kind());
            span.setAttribute(Attrs.ERROR_TYPE, kind);
            span.setAttribute(Attrs.END_REASON, kind);
            if (failure.status() > 0) {
                span.setAttribute(Attrs.UPSTREAM_STATUS, (long) failure.status());
            }
            failure.retryAfter().ifPresent(wait -> span.setAttribute(Attrs.RETRY_AFTER_MS, wait.toMillis()));
            span.setStatus(StatusCode.ERROR, failure.message().isEmpty() ? kind : kind + ": " + failure.message());
        }
    }
}

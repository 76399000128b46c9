package dev.llmrouter.adapters.otel;

import static dev.llmrouter.adapters.otel.OtlpCollector.attribute;
import static dev.llmrouter.adapters.otel.OtlpCollector.parentSpanId;
import static dev.llmrouter.adapters.otel.OtlpCollector.spanId;
import static dev.llmrouter.adapters.otel.OtlpCollector.traceId;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.fixtures.RecordingLedger;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 10.1 and 10.2 for the embedded library ({@link Router} without HTTP): given a
 * {@link OtelRouterTracer}, a request is a span of its own, {@code {operation} {requested}}, under
 * whatever span the application has current, with one client span per call; each call's
 * {@code traceparent} names its span; unsampled requests still pass their trace on and export nothing.
 */
@DisplayName("Requirements 10.1/10.2: the embedded router traced through an application's OpenTelemetry")
class EmbeddedRouterTracingTest {

    final OtlpCollector collector = new OtlpCollector();
    final ScriptedChatEndpoint endpoint = new ScriptedChatEndpoint();
    final RecordingLedger ledger = new RecordingLedger();
    Tracing tracing;

    Router router(double samplingRatio) {
        tracing = Tracing.start(TracingSettings.OFF.withEndpoint(collector.endpoint()).withSamplingRatio(samplingRatio),
                name -> null, new SimpleMeterRegistry());
        return Router.builder().fleet(Fixtures.exampleFleet()).endpoint(endpoint).ledger(ledger)
                .retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0))
                .tracer(tracing.routerTracer()).build();
    }

    static ChatCommand ask(String model) {
        return ChatCommand.of(new Caller("acct-1", Fixtures.enterprisePlan(), "alice", "ops"), model,
                ChatRequest.chat("{\"messages\":[]}"));
    }

    @AfterEach
    void stop() {
        if (tracing != null) {
            tracing.close();
        }
        collector.close();
    }

    @Test
    void a_request_is_a_span_under_the_applications_span_with_a_client_span_per_call() {
        Router router = router(1.0);
        endpoint.script("gpt-4o-eastus", fail(FailureKind.SERVER_ERROR))
                .script("gpt-4o-westeurope", new ScriptedChatEndpoint.Reply(new TokenUsage(12, 3, 5, 2, 1), Duration.ZERO));
        Span job = tracing.openTelemetry().getTracer("app").spanBuilder("nightly job").startSpan();
        ChatOutcome outcome;
        try (Scope ignored = job.makeCurrent()) {
            outcome = router.complete(ask("gpt-4o"));
        } finally {
            job.end();
        }
        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        assertThat(tracing.flush(10_000)).isTrue();

        List<io.opentelemetry.proto.trace.v1.Span> trace = collector.trace(job.getSpanContext().getTraceId());
        io.opentelemetry.proto.trace.v1.Span request = trace.stream().filter(s -> s.getName().equals("chat gpt-4o")
                && s.getKind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL).findFirst().orElseThrow();
        assertThat(parentSpanId(request)).isEqualTo(job.getSpanContext().getSpanId());
        assertThat(attribute(request, "llm_router.outcome")).hasValue("success");
        assertThat(attribute(request, "gen_ai.usage.input_tokens")).hasValue("12");
        assertThat(attribute(request, "gen_ai.usage.cache_read.input_tokens")).hasValue("5");
        assertThat(attribute(request, "gen_ai.usage.cache_creation.input_tokens")).hasValue("2");
        assertThat(attribute(request, "gen_ai.usage.reasoning.output_tokens")).hasValue("1");
        assertThat(request.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
        List<io.opentelemetry.proto.trace.v1.Span> calls = trace.stream()
                .filter(s -> s.getKind() == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted(Comparator.comparingLong(io.opentelemetry.proto.trace.v1.Span::getStartTimeUnixNano)).toList();
        assertThat(calls).extracting(s -> attribute(s, "llm_router.deployment").orElseThrow())
                .containsExactly("gpt-4o-eastus", "gpt-4o-westeurope");
        assertThat(calls).allSatisfy(s -> assertThat(parentSpanId(s)).isEqualTo(spanId(request)));
        assertThat(calls.get(0).getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(attribute(calls.get(0), "gen_ai.usage.input_tokens")).isEmpty();
        assertThat(attribute(calls.get(1), "gen_ai.usage.cache_read.input_tokens")).hasValue("5");
        assertThat(attribute(calls.get(1), "gen_ai.usage.reasoning.output_tokens")).hasValue("1");
        // flags: sampled, and the SDK's "random trace id" bit of W3C Trace Context level 2
        assertThat(endpoint.calls()).extracting(ChatCall::traceparent).containsExactly(
                "00-" + traceId(request) + "-" + spanId(calls.get(0)) + "-03",
                "00-" + traceId(request) + "-" + spanId(calls.get(1)) + "-03");
        assertThat(ledger.all()).singleElement().satisfies(r -> assertThat(r.traceId()).isEqualTo(traceId(request)));
    }

    @Test
    void an_unsampled_request_passes_its_trace_on_and_exports_nothing() {
        Router router = router(0.0);

        router.complete(ask("gpt-4o"));
        assertThat(tracing.flush(10_000)).isTrue();

        assertThat(collector.spans()).isEmpty();
        assertThat(endpoint.calls()).singleElement().extracting(ChatCall::traceparent).asString()
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[02]"); // not sampled
    }
}

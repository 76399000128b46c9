package dev.llmrouter.adapters.otel;

import static dev.llmrouter.adapters.otel.OtlpCollector.attribute;
import static dev.llmrouter.adapters.otel.OtlpCollector.parentSpanId;
import static dev.llmrouter.adapters.otel.OtlpCollector.spanId;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.fixtures.RecordingLedger;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.ports.router.Caller;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 10.3 over OTLP/gRPC: with {@code protocol: grpc} the SDK's OkHttp gRPC sender (the one
 * OkHttp of the build) carries the spans to a real gRPC {@code TraceService/Export} over HTTP/2
 * cleartext, with the configured headers as gRPC metadata; the collector decodes the request span and
 * its attempt spans, parented as over OTLP/HTTP. The standard protocol setting switches a file's
 * {@code http/protobuf} to gRPC.
 */
@DisplayName("Requirement 10.3: spans exported over OTLP/gRPC to a real gRPC collector")
class OtlpGrpcExportTest {

    final OtlpGrpcCollector collector = new OtlpGrpcCollector();
    final ScriptedChatEndpoint endpoint = new ScriptedChatEndpoint();
    Tracing tracing;

    @AfterEach
    void stop() {
        if (tracing != null) {
            tracing.close();
        }
        collector.close();
    }

    @Test
    void a_gRPC_sender_is_on_the_class_path() {
        assertThat(Tracing.grpcSenderAvailable()).isTrue();
    }

    static TracingSettings settings(String endpoint, String protocol) {
        return new TracingSettings(endpoint, protocol, Map.of("authorization", "Bearer grpc-secret-7"), 1.0,
                "router-over-grpc", Map.of("deployment.environment", "test"), 2048, Duration.ofSeconds(1),
                Duration.ofSeconds(10), false, Duration.ofSeconds(60));
    }

    Router router(TracingSettings settings) {
        tracing = Tracing.start(settings, name -> null, new SimpleMeterRegistry());
        return Router.builder().fleet(Fixtures.exampleFleet()).endpoint(endpoint).ledger(new RecordingLedger())
                .retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0))
                .tracer(tracing.routerTracer()).build();
    }

    static ChatCommand ask() {
        return ChatCommand.of(new Caller("acct-1", Fixtures.enterprisePlan(), "alice", "ops"), "gpt-4o",
                ChatRequest.chat("{\"messages\":[]}"));
    }

    @Test
    void a_request_and_its_attempts_reach_a_gRPC_collector() {
        Router router = router(settings(collector.endpoint(), TracingSettings.GRPC));
        endpoint.script("gpt-4o-eastus", fail(FailureKind.SERVER_ERROR)).script("gpt-4o-westeurope", ok(10, 5));

        ChatOutcome outcome = router.complete(ask());

        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        assertThat(tracing.flush(20_000)).isTrue();
        assertThat(tracing.exportFailed()).isZero();
        Span request = collector.spans().stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_INTERNAL)
                .filter(s -> s.getName().equals("chat gpt-4o")).findFirst().orElseThrow();
        assertThat(attribute(request, "llm_router.outcome")).hasValue("success");
        List<Span> calls = collector.trace(OtlpCollector.traceId(request)).stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted(Comparator.comparingLong(Span::getStartTimeUnixNano)).toList();
        assertThat(calls).extracting(s -> attribute(s, "llm_router.deployment").orElseThrow())
                .containsExactly("gpt-4o-eastus", "gpt-4o-westeurope");
        assertThat(calls).allSatisfy(s -> assertThat(parentSpanId(s)).isEqualTo(spanId(request)));
        assertThat(collector.header("authorization")).hasValue("Bearer grpc-secret-7");
        assertThat(collector.resourceAttributes()).containsEntry("service.name", "router-over-grpc")
                .containsEntry("deployment.environment", "test");
    }

    /**
     * {@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc} wins over the file's {@code http/protobuf}: shown through
     * its system-property form, which the SDK's configuration reads beside the variable and with the
     * same precedence over the file's defaults (a test cannot set its own process's environment).
     */
    @Test
    void the_standard_protocol_setting_switches_export_to_gRPC() {
        String previous = System.setProperty("otel.exporter.otlp.protocol", "grpc");
        try {
            Router router = router(settings(collector.endpoint(), TracingSettings.HTTP_PROTOBUF));
            endpoint.script("gpt-4o-eastus", ok(10, 5));
            assertThat(router.complete(ask())).isInstanceOf(ChatOutcome.Served.class);
            assertThat(tracing.flush(20_000)).isTrue();
        } finally {
            if (previous == null) {
                System.clearProperty("otel.exporter.otlp.protocol");
            } else {
                System.setProperty("otel.exporter.otlp.protocol", previous);
            }
        }
        assertThat(collector.spans()).extracting(Span::getName).contains("chat gpt-4o");
    }
}

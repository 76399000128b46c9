package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.llmrouter.adapters.otel.OtlpCollector;
import dev.llmrouter.adapters.otel.OtlpGrpcCollector;
import dev.llmrouter.adapters.metrics.MicrometerRouterTelemetry;
import dev.llmrouter.adapters.otel.Tracing;
import dev.llmrouter.app.config.ConfigLoader;
import dev.llmrouter.app.config.ConfigProblem;
import dev.llmrouter.app.config.GatewayConfig;
import dev.llmrouter.app.config.InvalidConfigException;
import io.micrometer.core.instrument.FunctionCounter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 10.3 through the whole gateway, configured by its {@code telemetry:} section: export
 * never holds a request. With the collector unreachable every request is served and the lost spans
 * are counted; with a collector that takes an export and does not answer, requests go on being served
 * while that export hangs, and the spans the bounded queue cannot take are dropped and counted. The
 * export carries the configured headers (a credential from the environment) and resource attributes.
 * With {@code protocol: grpc} a request's spans, kept in its caller's trace, reach a real OTLP/gRPC
 * collector. With {@code metrics: true} the gateway's meters are pushed over OTLP as well as scraped.
 * Without the section, tracing is off.
 */
@DisplayName("Requirement 10.3: OTLP export configured by telemetry:, never blocking a request, drops counted")
class TracingExportTest {

    static final String HELLO = "{\"model\":\"standard\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static GatewayConfig config(String telemetry, Map<String, String> env) {
        GatewayConfig config = new ConfigLoader(env::get).parse(GatewayTest.embeddedYaml() + "\n" + telemetry, "test");
        return config.withServer(config.server().withPort(0));
    }

    HttpResponse<String> chat(Gateway gateway) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(HELLO)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double dropped(Gateway gateway, String reason) {
        FunctionCounter counter = gateway.metrics().find(Tracing.DROPPED).tag("reason", reason).functionCounter();
        assertThat(counter).as("counter " + reason).isNotNull();
        return counter.count();
    }

    static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void with_the_collector_unreachable_requests_are_served_and_lost_spans_counted() throws Exception {
        GatewayConfig config = config("""
                telemetry:
                  endpoint: http://127.0.0.1:%d
                  export-timeout: 2s
                """.formatted(unusedPort()), Map.of());
        try (Gateway gateway = Gateway.build(config, GatewayTest.testOptions()).start()) {
            assertThat(gateway.tracing().enabled()).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(chat(gateway).statusCode()).isEqualTo(200);
            }
            // the exporter tries, retries, and gives up: the spans are lost, never waited for by a request.
            // What is still queued is exported now; what the batch processor sent already has failed already
            // (so the flush's own result depends on timing, and only the counts are asserted).
            gateway.tracing().flush(60_000);
            assertThat(gateway.tracing().exportFailed()).isGreaterThanOrEqualTo(8);
            assertThat(dropped(gateway, "export_failed")).isGreaterThanOrEqualTo(8);
            assertThat(gateway.metrics().scrape()).contains("llm_router_trace_spans_dropped_total{reason=\"export_failed\"}");
        }
    }

    @Test
    void a_collector_that_does_not_answer_holds_no_request_and_a_full_queue_drops_and_counts() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, String> seen = new ConcurrentHashMap<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.setExecutor(Executors.newCachedThreadPool());
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                seen.put("authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
                for (KeyValue kv : request.getResourceSpans(0).getResource().getAttributesList()) {
                    seen.put(kv.getKey(), kv.getValue().getStringValue());
                }
                received.countDown();
                release.await(30, TimeUnit.SECONDS); // a collector that takes the export and does not answer
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        collector.start();
        GatewayConfig config = config("""
                telemetry:
                  endpoint: http://127.0.0.1:%d
                  headers:
                    Authorization: Bearer ${OTLP_TOKEN}
                  service-name: router-under-test
                  resource-attributes:
                    deployment.environment: test
                  max-queue-size: 2
                  schedule-delay: 1m
                  export-timeout: 1m
                """.formatted(collector.getAddress().getPort()), Map.of("OTLP_TOKEN", "otlp-secret-1"));
        try (Gateway gateway = Gateway.build(config, GatewayTest.testOptions()).start()) {
            // The first request's two spans fill a batch: the exporter sends it and the collector holds it.
            assertThat(chat(gateway).statusCode()).isEqualTo(200);
            assertThat(received.await(20, TimeUnit.SECONDS)).isTrue();

            for (int i = 0; i < 6; i++) {
                assertThat(chat(gateway).statusCode()).isEqualTo(200); // served while the export hangs
            }
            assertThat(release.getCount()).isEqualTo(1); // still hanging: nothing above waited for it
            assertThat(dropped(gateway, "queue_full")).isGreaterThanOrEqualTo(8);
            assertThat(seen).containsEntry("authorization", "Bearer otlp-secret-1")
                    .containsEntry("service.name", "router-under-test").containsEntry("deployment.environment", "test");
            release.countDown();
        } finally {
            release.countDown();
            collector.stop(0);
            ((java.util.concurrent.ExecutorService) collector.getExecutor()).shutdownNow();
        }
    }

    @Test
    void with_metrics_on_the_gateways_metrics_are_pushed_over_OTLP_beside_the_scrape() throws Exception {
        Set<String> names = ConcurrentHashMap.newKeySet();
        CountDownLatch requestsSeen = new CountDownLatch(1);
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.setExecutor(Executors.newCachedThreadPool());
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.createContext("/v1/metrics", exchange -> {
            try (exchange) {
                ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
                request.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm ->
                        sm.getMetricsList().forEach(m -> names.add(m.getName()))));
                if (names.contains(MicrometerRouterTelemetry.REQUESTS)) {
                    requestsSeen.countDown();
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
        GatewayConfig config = config("""
                telemetry:
                  endpoint: http://127.0.0.1:%d
                  metrics: true
                  metrics-step: 1s
                """.formatted(collector.getAddress().getPort()), Map.of());
        try (Gateway gateway = Gateway.build(config, GatewayTest.testOptions()).start()) {
            assertThat(chat(gateway).statusCode()).isEqualTo(200);

            // pushed from the registry's own thread at its step: waited for, never slept on
            assertThat(requestsSeen.await(30, TimeUnit.SECONDS)).as("metrics received: " + names).isTrue();
            assertThat(names).contains(MicrometerRouterTelemetry.REQUESTS, MicrometerRouterTelemetry.OPERATION_DURATION);
            assertThat(gateway.metrics().scrape()).contains("llm_router_requests_total"); // the scrape stays
        } finally {
            collector.stop(0);
            ((java.util.concurrent.ExecutorService) collector.getExecutor()).shutdownNow();
        }
    }

    @Test
    void without_a_telemetry_section_tracing_is_off() {
        try (Gateway gateway = Gateway.build(GatewayTest.embedded(), GatewayTest.testOptions())) {
            assertThat(gateway.tracing().enabled()).isFalse();
            assertThat(gateway.context().spans()).isNull();
        }
    }

    @Test
    void with_protocol_grpc_a_request_is_exported_over_OTLP_gRPC_to_a_gRPC_collector() throws Exception {
        String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        try (OtlpGrpcCollector collector = new OtlpGrpcCollector()) {
            GatewayConfig config = config("""
                    telemetry:
                      endpoint: %s
                      protocol: grpc
                      headers:
                        Authorization: Bearer ${OTLP_TOKEN}
                      service-name: router-over-grpc
                    """.formatted(collector.endpoint()), Map.of("OTLP_TOKEN", "otlp-grpc-secret"));
            try (Gateway gateway = Gateway.build(config, GatewayTest.testOptions()).start()) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/chat/completions"))
                        .header("Authorization", "Bearer " + DemoKeys.ENTERPRISE).header("Content-Type", "application/json")
                        .header("traceparent", "00-" + callerTrace + "-00f067aa0ba902b7-01")
                        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(HELLO)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(gateway.tracing().flush(20_000)).isTrue();

                // The server span ends just after the answer's last byte has left, so a flush may run before
                // it: flush again (each waits for its export) until it has arrived, within a deadline.
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                List<Span> trace = collector.trace(callerTrace);
                while (trace.stream().noneMatch(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                        && System.nanoTime() - deadline < 0) {
                    assertThat(gateway.tracing().flush(20_000)).isTrue();
                    trace = collector.trace(callerTrace);
                }
                Span server = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst()
                        .orElseThrow();
                assertThat(OtlpCollector.parentSpanId(server)).isEqualTo("00f067aa0ba902b7");
                assertThat(trace).filteredOn(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).isNotEmpty()
                        .allSatisfy(s -> assertThat(OtlpCollector.attribute(s, "llm_router.deployment")).isPresent());
                assertThat(collector.header("authorization")).hasValue("Bearer otlp-grpc-secret");
                assertThat(collector.resourceAttributes()).containsEntry("service.name", "router-over-grpc");
                assertThat(dropped(gateway, "export_failed")).isZero();
            }
        }
    }

    @Test
    void a_bad_telemetry_section_is_reported_by_path() {
        assertThatThrownBy(() -> config("""
                telemetry:
                  protocol: thrift
                  sampling-ratio: 1.5
                  max-queue-size: 0
                  headers: [ a, b ]
                """, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).extracting(ConfigProblem::path)
                        .contains("telemetry.protocol", "telemetry.sampling-ratio", "telemetry.max-queue-size",
                                "telemetry.headers"));
    }

    @Test
    void a_name_value_mapping_is_checked_as_a_mapping_then_entry_by_entry() {
        assertThatThrownBy(() -> config("""
                telemetry:
                  headers: [ a, b ]
                  resource-attributes: { "deployment.environment": prod, team: { name: x }, "a=b": c }
                """, Map.of()))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems())
                        .extracting(p -> p.path() + ": " + p.message())
                        .containsExactly("telemetry.headers: must be a mapping of names to values",
                                "telemetry.resource-attributes.team: must be a single value",
                                "telemetry.resource-attributes.a=b: a name cannot contain ',' or '='"));
    }
}

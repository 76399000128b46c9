package dev.llmrouter.app.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.llmrouter.adapters.otel.OtlpCollector.attribute;
import static dev.llmrouter.adapters.otel.OtlpCollector.eventAttribute;
import static dev.llmrouter.adapters.otel.OtlpCollector.parentSpanId;
import static dev.llmrouter.adapters.otel.OtlpCollector.spanId;
import static dev.llmrouter.adapters.otel.OtlpCollector.traceId;
import static dev.llmrouter.app.http.Fakes.ENTERPRISE_KEY;
import static dev.llmrouter.app.http.TestGateway.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.llmrouter.adapters.azure.AzureDeploymentSettings;
import dev.llmrouter.adapters.azure.AzureOpenAiEndpoint;
import dev.llmrouter.adapters.inmemory.InMemoryUsageLedger;
import dev.llmrouter.adapters.otel.OtlpCollector;
import dev.llmrouter.adapters.otel.Tracing;
import dev.llmrouter.adapters.otel.TracingSettings;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.routing.RetrySettings;
import dev.llmrouter.ports.routing.Router;
import dev.llmrouter.ports.usage.UsageReporter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 10.1 and 10.2 over real sockets: a client calls the gateway, the real router calls
 * WireMock deployments through the real Azure adapter, and the spans go over OTLP/HTTP to a collector
 * in the test that decodes them with the {@code opentelemetry-proto} classes. A request that falls
 * back twice is one server span (a child of the caller's {@code traceparent}) with three attempt
 * spans, in order, each with its GenAI and router attributes and its status; each deployment is sent
 * its attempt's {@code traceparent}; the usage record and the access log line name the trace; a
 * stream's attempt carries its first-chunk event; a malformed {@code traceparent} starts a new trace
 * and is never an error.
 */
@DisplayName("Requirements 10.1/10.2: spans per request and attempt, over OTLP, behind the real gateway")
class TracingGatewayTest {

    static final String PRIMARY = "/openai/deployments/turbo-a/chat/completions";
    static final String SECONDARY = "/openai/deployments/turbo-b/chat/completions";
    static final String RECOVERY = "/openai/deployments/turbo-c/chat/completions";
    static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";
    static final String BODY = "{\"model\":\"premium\",\"messages\":[{\"role\":\"user\",\"content\":\"TOP-SECRET-PROMPT\"}]}";

    final WireMockServer wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    final OtlpCollector collector = new OtlpCollector();
    final InMemoryUsageLedger ledger = new InMemoryUsageLedger();
    Tracing tracing;
    TestGateway gateway;

    void start() {
        wm.start();
        URI base = URI.create(wm.baseUrl());
        Deployment a = new Deployment(DeploymentId.of("turbo-eastus"), "gpt-4-turbo", Fixtures.EASTUS, base, "turbo-a",
                ChainRole.PRIMARY);
        Deployment b = new Deployment(DeploymentId.of("turbo-westeurope"), "gpt-4-turbo", Fixtures.WESTEUROPE, base,
                "turbo-b", ChainRole.SECONDARY);
        Deployment c = new Deployment(DeploymentId.of("turbo-eastus2"), "gpt-4-turbo", Fixtures.EASTUS2, base, "turbo-c",
                ChainRole.DISASTER_RECOVERY);
        Fleet fleet = Fleet.builder().catalog(ExampleCatalog.create()).deployment(a).deployment(b).deployment(c).build();
        AzureOpenAiEndpoint endpoint = new AzureOpenAiEndpoint(List.of(AzureDeploymentSettings.apiKey(a, "upstream-key-1"),
                AzureDeploymentSettings.apiKey(b, "upstream-key-1"), AzureDeploymentSettings.apiKey(c, "upstream-key-1")));
        tracing = Tracing.start(TracingSettings.OFF.withEndpoint(collector.endpoint())
                .withQueue(2048, Duration.ofSeconds(30), Duration.ofSeconds(10)), name -> null, new SimpleMeterRegistry());
        Router router = Router.builder().fleet(fleet).endpoint(endpoint).ledger(ledger).tracer(tracing.routerTracer())
                .retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0)).build();
        gateway = TestGateway.traced(router, new UsageReporter(ledger), router, fleet, tracing.serverSpans());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (tracing != null) {
            tracing.close();
        }
        wm.stop();
        collector.close();
    }

    @Test
    void a_request_that_falls_back_twice_is_one_server_span_with_three_attempts_in_order() throws InterruptedException {
        start();
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"busy\"}}")));
        wm.stubFor(post(urlPathEqualTo(SECONDARY)).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withHeader("retry-after-ms", "2000")
                .withBody("{\"error\":{\"code\":\"429\",\"message\":\"Rate limit reached\"}}")));
        wm.stubFor(post(urlPathEqualTo(RECOVERY)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(AzureDeploymentsGatewayTest.REPLY)));

        List<String> lines;
        HttpResponse<String> response;
        try (StderrCapture captured = new StderrCapture()) {
            response = gateway.post("/v1/chat/completions", BODY, "Authorization", bearer(ENTERPRISE_KEY),
                    "x-router-fall-down", "false", "x-request-id", "traced-1",
                    "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01", "tracestate", "vendor=x");
            lines = captured.awaitLines(l -> l.contains("request id=traced-1"), 1, Duration.ofSeconds(10));
        }
        assertThat(response.statusCode()).isEqualTo(200);
        flushUntilServerSpans(1);

        List<Span> trace = collector.trace(CALLER_TRACE);
        Span server = only(trace, Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(parentSpanId(server)).isEqualTo(CALLER_SPAN);
        assertThat(server.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(server.getTraceState()).isEqualTo("vendor=x");
        assertThat(attribute(server, "http.response.status_code")).hasValue("200");
        assertThat(attribute(server, "gen_ai.operation.name")).hasValue("chat");
        assertThat(attribute(server, "gen_ai.request.model")).hasValue("premium");
        assertThat(attribute(server, "llm_router.tier.requested")).hasValue("premium");
        assertThat(attribute(server, "llm_router.tier.served")).hasValue("premium");
        assertThat(attribute(server, "llm_router.deployment")).hasValue("turbo-eastus2");
        assertThat(attribute(server, "llm_router.request_id")).hasValue("traced-1");
        assertThat(attribute(server, "llm_router.outcome")).hasValue("success");
        assertThat(attribute(server, "llm_router.fallbacks")).hasValue("2");
        assertThat(attribute(server, "llm_router.calls")).hasValue("3");
        assertThat(attribute(server, "llm_router.quota.settled_tokens")).hasValue("22");
        assertThat(attribute(server, "llm_router.quota.reserved_tokens")).isPresent();
        assertThat(attribute(server, "llm_router.cost_usd")).isPresent();

        List<Span> attempts = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted(Comparator.comparingLong(Span::getStartTimeUnixNano)).toList();
        assertThat(attempts).hasSize(3).allSatisfy(s -> {
            assertThat(parentSpanId(s)).isEqualTo(spanId(server));
            assertThat(s.getName()).isEqualTo("chat gpt-4-turbo");
            assertThat(attribute(s, "gen_ai.provider.name")).hasValue("azure.ai.openai");
            assertThat(attribute(s, "gen_ai.request.model")).hasValue("gpt-4-turbo");
        });
        assertThat(attempts).extracting(s -> attribute(s, "llm_router.attempt.number").orElseThrow())
                .containsExactly("1", "2", "3");
        assertThat(attempts).extracting(s -> attribute(s, "llm_router.deployment").orElseThrow())
                .containsExactly("turbo-eastus", "turbo-westeurope", "turbo-eastus2");
        assertThat(attempts).extracting(s -> attribute(s, "llm_router.region").orElseThrow())
                .containsExactly("eastus", "westeurope", "eastus2");
        assertThat(attempts).extracting(s -> s.getStatus().getCode())
                .containsExactly(Status.StatusCode.STATUS_CODE_ERROR, Status.StatusCode.STATUS_CODE_ERROR,
                        Status.StatusCode.STATUS_CODE_UNSET);
        assertThat(attribute(attempts.get(0), "error.type")).hasValue("server_error");
        assertThat(attribute(attempts.get(0), "llm_router.upstream.status_code")).hasValue("503");
        assertThat(attribute(attempts.get(1), "error.type")).hasValue("throttled");
        assertThat(attribute(attempts.get(1), "llm_router.attempt.end_reason")).hasValue("throttled");
        assertThat(attribute(attempts.get(1), "llm_router.retry_after_ms")).hasValue("2000");
        Span served = attempts.get(2);
        assertThat(attribute(served, "error.type")).isEmpty();
        assertThat(attribute(served, "llm_router.attempt.outcome")).hasValue("success");
        assertThat(attribute(served, "gen_ai.response.model")).hasValue("gpt-4-turbo-2024-04-09");
        assertThat(attribute(served, "gen_ai.response.finish_reasons")).hasValue("[stop]");
        assertThat(attribute(served, "gen_ai.usage.input_tokens")).hasValue("19");
        assertThat(attribute(served, "gen_ai.usage.output_tokens")).hasValue("3");

        // Each deployment was named its own attempt; the record and the log line lead to the trace.
        for (int i = 0; i < 3; i++) {
            String path = List.of(PRIMARY, SECONDARY, RECOVERY).get(i);
            wm.verify(postRequestedFor(urlPathEqualTo(path)).withHeader("traceparent",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                            "00-" + CALLER_TRACE + "-" + spanId(attempts.get(i)) + "-01")));
        }
        UsageRecord record = ledger.all().get(0);
        assertThat(record.traceId()).isEqualTo(CALLER_TRACE);
        assertThat(lines.get(0)).contains("trace_id=" + CALLER_TRACE);
        // No prompt, answer or key in any span.
        assertThat(collector.spans().toString()).doesNotContain("TOP-SECRET-PROMPT", "Hello from B", ENTERPRISE_KEY,
                "upstream-key-1");
    }

    @Test
    void a_streamed_attempt_carries_its_first_chunk_event() throws InterruptedException {
        start();
        String sse = AzureDeploymentsGatewayTest.chunk("Hel") + AzureDeploymentsGatewayTest.chunk("lo")
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4-turbo\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n"
                + "data: [DONE]\n\n";
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(sse)));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"premium\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "Authorization", bearer(ENTERPRISE_KEY), "traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Hel", "[DONE]");
        flushUntilServerSpans(1);

        List<Span> trace = collector.trace(CALLER_TRACE);
        Span server = only(trace, Span.SpanKind.SPAN_KIND_SERVER);
        Span attempt = only(trace, Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(parentSpanId(attempt)).isEqualTo(spanId(server));
        assertThat(eventAttribute(attempt, "gen_ai.first_chunk", "llm_router.time_to_first_chunk_ms")).isPresent();
        assertThat(attribute(attempt, "gen_ai.usage.input_tokens")).hasValue("9");
        assertThat(attribute(attempt, "gen_ai.usage.output_tokens")).hasValue("2");
        assertThat(attempt.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
        assertThat(attribute(server, "llm_router.time_to_first_chunk_ms")).isPresent();
        // the attempt ends when the stream does, after its first chunk
        assertThat(attempt.getEndTimeUnixNano()).isGreaterThanOrEqualTo(attempt.getEvents(0).getTimeUnixNano());
    }

    @Test
    void malformed_traceparent_headers_are_ignored_and_start_a_new_trace() throws InterruptedException {
        start();
        wm.stubFor(post(urlPathEqualTo(PRIMARY)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(AzureDeploymentsGatewayTest.REPLY)));
        List<String> bad = List.of("garbage", "00-" + CALLER_TRACE + "-" + CALLER_SPAN, "00-zz" + CALLER_TRACE.substring(2)
                + "-" + CALLER_SPAN + "-01", "00-00000000000000000000000000000000-" + CALLER_SPAN + "-01",
                "ff-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01-extra");

        for (String header : bad) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions", BODY, "Authorization",
                    bearer(ENTERPRISE_KEY), "traceparent", header, "tracestate", "=,=");
            assertThat(response.statusCode()).as(header).isEqualTo(200);
        }
        flushUntilServerSpans(bad.size());

        List<Span> servers = collector.spans().stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).toList();
        assertThat(servers).hasSize(bad.size()).allSatisfy(s -> {
            assertThat(s.getParentSpanId().isEmpty()).isTrue();
            assertThat(traceId(s)).isNotEqualTo(CALLER_TRACE).isNotEqualTo("00000000000000000000000000000000");
        });
        assertThat(servers.stream().map(OtlpCollector::traceId).distinct()).hasSize(bad.size());
        assertThat(ledger.all()).extracting(UsageRecord::traceId)
                .containsExactlyInAnyOrderElementsOf(servers.stream().map(OtlpCollector::traceId).toList());
    }

    /**
     * The server span ends just after the answer's last byte has left, so one flush may run before it
     * ends: flushes (each waiting for its export) until {@code expected} server spans have arrived, or
     * a deadline has passed (the assertions then say what is missing).
     */
    private void flushUntilServerSpans(int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            assertThat(tracing.flush(10_000)).isTrue();
            if (collector.spans().stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).count() >= expected) {
                return;
            }
            LockSupport.parkNanos(5_000_000);
        } while (System.nanoTime() - deadline < 0);
    }

    private static Span only(List<Span> spans, Span.SpanKind kind) {
        List<Span> of = spans.stream().filter(s -> s.getKind() == kind).toList();
        assertThat(of).as("spans of kind " + kind).hasSize(1);
        return of.get(0);
    }
}

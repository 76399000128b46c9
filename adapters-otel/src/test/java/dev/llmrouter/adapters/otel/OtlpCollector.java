package dev.llmrouter.adapters.otel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real OTLP/HTTP trace endpoint for tests: {@code POST /v1/traces} with an
 * {@code application/x-protobuf} body, decoded with the {@code opentelemetry-proto} classes, kept,
 * and answered as a collector answers. Listens on a free port of the loopback interface.
 */
public final class OtlpCollector implements AutoCloseable {

    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final Map<String, String> headers = new ConcurrentHashMap<>();
    private final List<ResourceSpans> resources = new CopyOnWriteArrayList<>();

    public OtlpCollector() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/v1/traces", this::traces);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
    }

    /** The OTLP base endpoint to configure ({@code http://127.0.0.1:<port>}). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void traces(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
            for (ResourceSpans rs : request.getResourceSpansList()) {
                resources.add(rs);
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    spans.addAll(ss.getSpansList());
                }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    /** Every span received so far. */
    public List<Span> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace (hex id). */
    public List<Span> trace(String traceId) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            if (hex(s.getTraceId().toByteArray()).equals(traceId)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The last value of a header the exports carried (lower-case name), if any. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** The resource attributes of the exports received. */
    public Map<String, String> resourceAttributes() {
        Map<String, String> out = new ConcurrentHashMap<>();
        for (ResourceSpans rs : resources) {
            for (KeyValue kv : rs.getResource().getAttributesList()) {
                out.put(kv.getKey(), text(kv.getValue()));
            }
        }
        return out;
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static String traceId(Span span) {
        return hex(span.getTraceId().toByteArray());
    }

    public static String spanId(Span span) {
        return hex(span.getSpanId().toByteArray());
    }

    public static String parentSpanId(Span span) {
        return hex(span.getParentSpanId().toByteArray());
    }

    /** A span's attribute as text (numbers and booleans as written, arrays as {@code [a, b]}), if present. */
    public static Optional<String> attribute(Span span, String key) {
        for (KeyValue kv : span.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                return Optional.of(text(kv.getValue()));
            }
        }
        return Optional.empty();
    }

    /** An event's attribute as text, if the event and its attribute are present. */
    public static Optional<String> eventAttribute(Span span, String event, String key) {
        for (Span.Event e : span.getEventsList()) {
            if (e.getName().equals(event)) {
                for (KeyValue kv : e.getAttributesList()) {
                    if (kv.getKey().equals(key)) {
                        return Optional.of(text(kv.getValue()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpCollector::text).toList().toString();
            default -> v.toString();
        };
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

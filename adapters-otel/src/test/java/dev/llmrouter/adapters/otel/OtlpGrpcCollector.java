package dev.llmrouter.adapters.otel;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP/gRPC trace endpoint for tests: gRPC over HTTP/2 cleartext (grpc-java's Netty server),
 * serving the collector's unary {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}.
 * The service is declared by hand, its messages (un)marshalled with the {@code opentelemetry-proto}
 * classes, so the spans are decoded exactly as a collector decodes them. Listens on a free port of
 * the loopback interface.
 */
public final class OtlpGrpcCollector implements AutoCloseable {

    static final String SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService";

    static final MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> EXPORT =
            MethodDescriptor.<ExportTraceServiceRequest, ExportTraceServiceResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Export"))
                    .setRequestMarshaller(marshaller(ExportTraceServiceRequest.parser()))
                    .setResponseMarshaller(marshaller(ExportTraceServiceResponse.parser()))
                    .build();

    private final Server server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<ResourceSpans> resources = new CopyOnWriteArrayList<>();
    private final Map<String, String> headers = new ConcurrentHashMap<>();

    public OtlpGrpcCollector() {
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE).addMethod(EXPORT, this::export).build();
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The OTLP endpoint to configure ({@code http://127.0.0.1:<port>}, HTTP/2 without TLS). */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getPort();
    }

    private ServerCall.Listener<ExportTraceServiceRequest> export(
            ServerCall<ExportTraceServiceRequest, ExportTraceServiceResponse> call, Metadata metadata) {
        for (String key : metadata.keys()) {
            if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                String value = metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                if (value != null) {
                    headers.put(key, value);
                }
            }
        }
        call.request(1);
        return new ServerCall.Listener<>() {
            @Override
            public void onMessage(ExportTraceServiceRequest request) {
                for (ResourceSpans rs : request.getResourceSpansList()) {
                    resources.add(rs);
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        spans.addAll(ss.getSpansList());
                    }
                }
                call.sendHeaders(new Metadata());
                call.sendMessage(ExportTraceServiceResponse.getDefaultInstance());
                call.close(Status.OK, new Metadata());
            }
        };
    }

    /** Every span received so far. */
    public List<Span> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace (hex id). */
    public List<Span> trace(String traceId) {
        return spans.stream().filter(s -> OtlpCollector.traceId(s).equals(traceId)).toList();
    }

    /** The last value of a gRPC request header (metadata) the exports carried (lower-case name), if any. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** The resource attributes of the exports received. */
    public Map<String, String> resourceAttributes() {
        Map<String, String> out = new ConcurrentHashMap<>();
        for (ResourceSpans rs : resources) {
            rs.getResource().getAttributesList().forEach(kv -> out.put(kv.getKey(), OtlpCollector.text(kv.getValue())));
        }
        return out;
    }

    private static <T extends MessageLite> MethodDescriptor.Marshaller<T> marshaller(Parser<T> parser) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(T value) {
                return new ByteArrayInputStream(value.toByteArray());
            }

            @Override
            public T parse(InputStream stream) {
                try {
                    return parser.parseFrom(stream);
                } catch (InvalidProtocolBufferException e) {
                    throw Status.INTERNAL.withDescription("not an OTLP message: " + e.getMessage()).withCause(e)
                            .asRuntimeException();
                }
            }
        };
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.llmrouter.adapters.otel;

import dev.llmrouter.ports.telemetry.RouterTracer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The process's OpenTelemetry: off, or an SDK built by OpenTelemetry's own configuration from the
 * {@code telemetry:} settings and the standard {@code OTEL_*} variables (which win), exporting spans
 * over OTLP (Requirement 10.3).
 *
 * <h2>Never blocking a request</h2>
 * Spans leave through the SDK's batch span processor: ending a span puts it on a bounded queue and
 * returns; one exporter thread sends batches. A collector that is down or slow fills the queue, and
 * then each further span is dropped at once rather than waited for. Spans lost either way are counted
 * in {@value #DROPPED}: {@code reason=queue_full} (read from the processor's own {@code processedSpans}
 * count of dropped spans, through an in-process metric reader) and {@code reason=export_failed} (spans
 * of batches the exporter could not deliver).
 */
public final class Tracing implements AutoCloseable {

    /** The instrumentation scope of the router's spans. */
    public static final String SCOPE = "dev.llmrouter";
    /** Spans lost before reaching the collector, tagged by {@code reason}. */
    public static final String DROPPED = "llm_router.trace.spans.dropped";

    private static final System.Logger LOG = System.getLogger(Tracing.class.getName());

    private final OpenTelemetry openTelemetry;
    private final OpenTelemetrySdk sdk;
    private final DropReader queueDrops;
    private final CountingExporter.Outcomes exports;

    private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, DropReader queueDrops,
            CountingExporter.Outcomes exports) {
        this.openTelemetry = openTelemetry;
        this.sdk = sdk;
        this.queueDrops = queueDrops;
        this.exports = exports;
    }

    /** No tracing: the router gets {@link RouterTracer#NOOP} and no server span is recorded. */
    public static Tracing off() {
        return new Tracing(OpenTelemetry.noop(), null, null, new CountingExporter.Outcomes());
    }

    /**
     * Tracing as {@code settings} and the environment say: on when an endpoint is configured in either,
     * unless {@code OTEL_SDK_DISABLED=true} or {@code OTEL_TRACES_EXPORTER=none}.
     *
     * @param env     the environment ({@code System::getenv} in the gateway)
     * @param metrics where the drop counts are registered
     */
    public static Tracing start(TracingSettings settings, UnaryOperator<String> env, MeterRegistry metrics) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(metrics, "metrics");
        if (!enabled(settings, env)) {
            return off();
        }
        DropReader queueDrops = new DropReader();
        CountingExporter.Outcomes exports = new CountingExporter.Outcomes();
        OpenTelemetrySdk sdk;
        try {
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> properties(settings))
                    .addSpanExporterCustomizer((exporter, config) -> new CountingExporter(exporter, exports))
                    .addMeterProviderCustomizer((builder, config) -> builder.registerMetricReader(queueDrops))
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (RuntimeException e) {
            // A bad OTEL_* variable: the gateway does not start half-observed.
            throw new IllegalStateException("tracing could not start from the telemetry: settings and the OTEL_* "
                    + "variables: " + e.getMessage(), e);
        }
        FunctionCounter.builder(DROPPED, queueDrops, DropReader::dropped).tag("reason", "queue_full")
                .description("Spans dropped because the export queue was full").register(metrics);
        FunctionCounter.builder(DROPPED, exports.failed, LongAdder::doubleValue).tag("reason", "export_failed")
                .description("Spans in batches the collector did not take").register(metrics);
        return new Tracing(sdk, sdk, queueDrops, exports);
    }

    /**
     * True when a gRPC sender is on the class path: OTLP/gRPC needs one, and the gateway carries
     * OpenTelemetry's OkHttp sender (HTTP/protobuf and gRPC on the build's one OkHttp 5). False only in
     * a build that leaves it out, where {@code protocol: grpc} is refused at configuration rather than
     * failing on the first export.
     */
    public static boolean grpcSenderAvailable() {
        return ServiceLoader.load(GrpcSenderProvider.class, Tracing.class.getClassLoader()).findFirst().isPresent();
    }

    static boolean enabled(TracingSettings settings, UnaryOperator<String> env) {
        if ("true".equalsIgnoreCase(value(env, "OTEL_SDK_DISABLED")) || "none".equalsIgnoreCase(value(env, "OTEL_TRACES_EXPORTER"))) {
            return false;
        }
        return !settings.endpoint().isEmpty() || !value(env, "OTEL_EXPORTER_OTLP_ENDPOINT").isEmpty()
                || !value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").isEmpty();
    }

    private static String value(UnaryOperator<String> env, String name) {
        String v = env.apply(name);
        return v == null ? "" : v.trim();
    }

    /** The settings as the SDK's configuration properties: defaults that {@code OTEL_*} variables override. */
    static Map<String, String> properties(TracingSettings s) {
        Map<String, String> p = new HashMap<>();
        p.put("otel.traces.exporter", "otlp");
        p.put("otel.metrics.exporter", "none");
        p.put("otel.logs.exporter", "none");
        p.put("otel.service.name", s.serviceName());
        if (!s.endpoint().isEmpty()) {
            p.put("otel.exporter.otlp.endpoint", s.endpoint());
        }
        p.put("otel.exporter.otlp.protocol", s.protocol());
        if (!s.headers().isEmpty()) {
            p.put("otel.exporter.otlp.headers", join(s.headers()));
        }
        p.put("otel.exporter.otlp.timeout", Long.toString(s.exportTimeout().toMillis()));
        p.put("otel.traces.sampler", "parentbased_traceidratio");
        p.put("otel.traces.sampler.arg", Double.toString(s.samplingRatio()));
        if (!s.resource().isEmpty()) {
            p.put("otel.resource.attributes", join(s.resource()));
        }
        p.put("otel.bsp.max.queue.size", Integer.toString(s.maxQueueSize()));
        p.put("otel.bsp.max.export.batch.size", Integer.toString(Math.min(512, s.maxQueueSize())));
        p.put("otel.bsp.schedule.delay", Long.toString(s.scheduleDelay().toMillis()));
        p.put("otel.bsp.export.timeout", Long.toString(s.exportTimeout().toMillis()));
        return p;
    }

    private static String join(Map<String, String> pairs) {
        return pairs.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** True when spans are recorded and exported. */
    public boolean enabled() {
        return sdk != null;
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** The router's tracer: {@link RouterTracer#NOOP} when tracing is off, so the router pays nothing. */
    public RouterTracer routerTracer() {
        return sdk == null ? RouterTracer.NOOP : new OtelRouterTracer(openTelemetry.getTracer(SCOPE));
    }

    /** The gateway's server spans (valid but unrecorded spans when tracing is off). */
    public ServerSpans serverSpans() {
        return new ServerSpans(openTelemetry);
    }

    /** Spans dropped on a full queue so far. */
    public long droppedOnFullQueue() {
        return queueDrops == null ? 0 : (long) queueDrops.dropped();
    }

    /** Spans whose export failed so far. */
    public long exportFailed() {
        return exports.failed.sum();
    }

    /**
     * Sends what is queued and waits, at most {@code millis} in all, for the outcome of every export in
     * flight (the exporter's own retries included); false when one failed or did not end in time.
     */
    public boolean flush(long millis) {
        if (sdk == null) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean flushed = sdk.getSdkTracerProvider().forceFlush().join(millis, TimeUnit.MILLISECONDS).isSuccess();
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return exports.awaitAll(left) && flushed;
    }

    /** Sends what is queued within a few seconds, then stops; spans still queued are lost. */
    @Override
    public void close() {
        if (sdk != null) {
            CompletableResultCode done = sdk.shutdown().join(5, TimeUnit.SECONDS);
            if (!done.isSuccess()) {
                LOG.log(System.Logger.Level.WARNING, "tracing did not shut down cleanly; queued spans may be lost");
            }
        }
    }

    /**
     * Counts the spans of every batch the wrapped exporter could not deliver, and keeps the exports in
     * flight so that {@link #flush} can wait for their outcome.
     */
    private static final class CountingExporter implements SpanExporter {
        private final SpanExporter delegate;
        private final Outcomes outcomes;

        /** Spans lost in failed exports, and the exports not yet ended. */
        static final class Outcomes {
            final LongAdder failed = new LongAdder();
            final Set<CompletableResultCode> inFlight = ConcurrentHashMap.newKeySet();

            boolean awaitAll(long millis) {
                List<CompletableResultCode> pending = List.copyOf(inFlight);
                return pending.isEmpty()
                        || CompletableResultCode.ofAll(pending).join(millis, TimeUnit.MILLISECONDS).isSuccess();
            }
        }

        CountingExporter(SpanExporter delegate, Outcomes outcomes) {
            this.delegate = delegate;
            this.outcomes = outcomes;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            int size = spans.size();
            CompletableResultCode result;
            try {
                result = delegate.export(spans);
            } catch (RuntimeException e) {
                outcomes.failed.add(size);
                return CompletableResultCode.ofFailure();
            }
            outcomes.inFlight.add(result);
            result.whenComplete(() -> {
                if (!result.isSuccess()) {
                    outcomes.failed.add(size);
                }
                outcomes.inFlight.remove(result);
            });
            return result;
        }

        @Override
        public CompletableResultCode flush() {
            return delegate.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }

        @Override
        public String toString() {
            return "CountingExporter{" + delegate + "}";
        }
    }

    /**
     * Reads the batch span processor's own count of dropped spans from the SDK's meter provider, when
     * the drop counter is read: {@code processedSpans{dropped=true}} (the processor's default
     * telemetry) and {@code otel.sdk.processor.span.processed} with an {@code error.type} (its newer form).
     */
    private static final class DropReader implements MetricReader {
        private volatile CollectionRegistration registration = CollectionRegistration.noop();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        double dropped() {
            long dropped = 0;
            for (MetricData m : registration.collectAllMetrics()) {
                boolean legacy = m.getName().equals("processedSpans");
                boolean current = m.getName().equals("otel.sdk.processor.span.processed");
                if (!legacy && !current) {
                    continue;
                }
                for (LongPointData point : m.getLongSumData().getPoints()) {
                    var attributes = point.getAttributes().asMap();
                    boolean isDrop = legacy
                            ? attributes.entrySet().stream().anyMatch(e -> e.getKey().getKey().equals("dropped")
                                    && Boolean.TRUE.equals(e.getValue()))
                            : attributes.keySet().stream().anyMatch(k -> k.getKey().equals("error.type"));
                    if (isDrop) {
                        dropped += point.getValue();
                    }
                }
            }
            return dropped;
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public MemoryMode getMemoryMode() {
            return MemoryMode.IMMUTABLE_DATA;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}

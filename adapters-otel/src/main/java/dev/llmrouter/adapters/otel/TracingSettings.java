package dev.llmrouter.adapters.otel;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How traces (and OTLP metrics) leave the process (Requirement 10.3). The standard {@code OTEL_*}
 * variables override every field here, as the OpenTelemetry SDK's own configuration reads them.
 *
 * @param endpoint           the OTLP base endpoint ({@code http://collector:4318}, or {@code :4317} for
 *                           gRPC); empty leaves tracing
 *                           off unless {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or its traces form) is set
 * @param protocol           {@code http/protobuf} or {@code grpc}
 * @param headers            headers sent with every export (credentials come in through the
 *                           configuration's {@code ${VAR}} substitution, never written in the file)
 * @param samplingRatio      the share of new traces recorded, 0 to 1; a caller's sampled flag is followed
 * @param serviceName        {@code service.name}
 * @param resource           further resource attributes ({@code deployment.environment}, ...)
 * @param maxQueueSize       spans waiting for export at most; beyond it a span is dropped and counted
 * @param scheduleDelay      how long a span may wait before its batch is sent
 * @param exportTimeout      how long one export may take before it is abandoned (its spans counted lost)
 * @param metrics            also push the gateway's metrics over OTLP (beside the Prometheus scrape)
 * @param metricsStep        how often metrics are pushed
 */
public record TracingSettings(
        String endpoint,
        String protocol,
        Map<String, String> headers,
        double samplingRatio,
        String serviceName,
        Map<String, String> resource,
        int maxQueueSize,
        Duration scheduleDelay,
        Duration exportTimeout,
        boolean metrics,
        Duration metricsStep) {

    public static final String HTTP_PROTOBUF = "http/protobuf";
    public static final String GRPC = "grpc";

    /** Off (no endpoint), with the SDK's defaults for everything else. */
    public static final TracingSettings OFF = new TracingSettings("", HTTP_PROTOBUF, Map.of(), 1.0, "llm-router",
            Map.of(), 2048, Duration.ofSeconds(1), Duration.ofSeconds(10), false, Duration.ofSeconds(60));

    public TracingSettings {
        endpoint = endpoint == null ? "" : endpoint.trim();
        protocol = protocol == null || protocol.isBlank() ? HTTP_PROTOBUF : protocol.trim();
        if (!protocol.equals(HTTP_PROTOBUF) && !protocol.equals(GRPC)) {
            throw new IllegalArgumentException("protocol must be http/protobuf or grpc, not " + protocol);
        }
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        if (!(samplingRatio >= 0 && samplingRatio <= 1)) {
            throw new IllegalArgumentException("sampling ratio must be between 0 and 1, not " + samplingRatio);
        }
        serviceName = serviceName == null || serviceName.isBlank() ? "llm-router" : serviceName.trim();
        resource = Map.copyOf(Objects.requireNonNull(resource, "resource"));
        if (maxQueueSize < 1) {
            throw new IllegalArgumentException("max queue size must be positive, not " + maxQueueSize);
        }
        requirePositive(scheduleDelay, "schedule delay");
        requirePositive(exportTimeout, "export timeout");
        requirePositive(metricsStep, "metrics step");
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }

    public TracingSettings withEndpoint(String e) {
        return new TracingSettings(e, protocol, headers, samplingRatio, serviceName, resource, maxQueueSize,
                scheduleDelay, exportTimeout, metrics, metricsStep);
    }

    public TracingSettings withQueue(int size, Duration delay, Duration timeout) {
        return new TracingSettings(endpoint, protocol, headers, samplingRatio, serviceName, resource, size, delay,
                timeout, metrics, metricsStep);
    }

    public TracingSettings withSamplingRatio(double ratio) {
        return new TracingSettings(endpoint, protocol, headers, ratio, serviceName, resource, maxQueueSize,
                scheduleDelay, exportTimeout, metrics, metricsStep);
    }
}

package dev.llmrouter.adapters.otel;

import io.micrometer.core.instrument.Clock;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's metrics pushed over OTLP/HTTP beside the Prometheus scrape (Requirement 10.3), by
 * Micrometer's OTLP registry: it publishes from its own thread every {@link TracingSettings#metricsStep()},
 * so a collector that is down costs a request nothing. Micrometer reads the {@code OTEL_*} variables for
 * what the settings leave open (the endpoint, headers, resource attributes).
 */
public final class OtlpMetrics {

    private OtlpMetrics() {}

    /** The registry, when {@code settings} ask for metrics; the caller adds it beside the scraped one and closes it. */
    public static Optional<OtlpMeterRegistry> registry(TracingSettings settings) {
        if (!settings.metrics()) {
            return Optional.empty();
        }
        return Optional.of(new OtlpMeterRegistry(config(settings), Clock.SYSTEM));
    }

    static OtlpConfig config(TracingSettings settings) {
        return new OtlpConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String url() {
                String base = settings.endpoint();
                if (base.isEmpty()) {
                    return OtlpConfig.super.url();
                }
                return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/metrics";
            }

            @Override
            public Duration step() {
                return settings.metricsStep();
            }

            @Override
            public Map<String, String> headers() {
                Map<String, String> headers = new HashMap<>(OtlpConfig.super.headers());
                headers.putAll(settings.headers());
                return headers;
            }

            @Override
            public Map<String, String> resourceAttributes() {
                Map<String, String> attributes = new HashMap<>(OtlpConfig.super.resourceAttributes());
                attributes.putAll(settings.resource());
                attributes.put("service.name", settings.serviceName());
                return attributes;
            }
        };
    }
}

package dev.llmrouter.adapters.otel;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The gateway's {@link SpanKind#SERVER} span of each request (Requirements 10.1, 10.2): a child of the
 * caller's W3C {@code traceparent}/{@code tracestate} when they are valid, a new trace otherwise (a
 * malformed header is ignored, never an error). Made current on the request's thread, it is the span
 * {@link OtelRouterTracer} reports the request on, so the attempts are its children.
 */
public final class ServerSpans {

    private static final ContextKey<Span> REQUEST_SPAN = ContextKey.named("llm-router-request-span");

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public ServerSpans(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        this.tracer = openTelemetry.getTracer(Tracing.SCOPE);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** The gateway's span of the request whose context this is, or null outside one. */
    static Span requestSpan(Context context) {
        return context.get(REQUEST_SPAN);
    }

    /**
     * Starts the server span of one request.
     *
     * @param method the HTTP method
     * @param route  the matched route template (never the path with its values)
     * @param header the request's header of a name, or null
     */
    public ServerSpan start(String method, String route, UnaryOperator<String> header) {
        Context parent = propagator.extract(Context.root(), header, Getter.INSTANCE);
        Span span = tracer.spanBuilder(method + " " + route)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(Attrs.HTTP_METHOD, method)
                .setAttribute(Attrs.HTTP_ROUTE, route)
                .startSpan();
        return new ServerSpan(span, parent.with(span).with(REQUEST_SPAN, span));
    }

    /** One request's server span; {@link #end} once, from the thread that serves it. */
    public static final class ServerSpan {
        private final Span span;
        private final Context context;

        private ServerSpan(Span span, Context context) {
            this.span = span;
            this.context = context;
        }

        /** The trace id, 32 hex digits, or empty when the span is not valid (tracing off). */
        public String traceId() {
            SpanContext sc = span.getSpanContext();
            return sc.isValid() ? sc.getTraceId() : "";
        }

        /** Makes the span current on this thread until the scope closes. */
        public Scope makeCurrent() {
            return context.makeCurrent();
        }

        /** Ends the span with the answer's status: an error for 5xx, as the HTTP conventions say of servers. */
        public void end(int status) {
            span.setAttribute(Attrs.HTTP_STATUS, (long) status);
            if (status >= 500) {
                span.setAttribute(Attrs.ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }

    private enum Getter implements TextMapGetter<UnaryOperator<String>> {
        INSTANCE;

        @Override
        public Iterable<String> keys(UnaryOperator<String> carrier) {
            return List.of("traceparent", "tracestate", "baggage");
        }

        @Override
        public String get(UnaryOperator<String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    }
}

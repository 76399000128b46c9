package dev.llmrouter.ports.telemetry;

import dev.llmrouter.ports.router.ChatCommand;

/**
 * Outbound port: the trace of each request the router serves (Requirement 10.1). The router opens one
 * {@link RequestTrace} per request before admission and reports the request's route, every attempt at
 * a deployment (each its own {@link AttemptTrace}), every deployment passed over, and the ending.
 *
 * <p>An implementation decides what a trace is (spans of a tracing SDK, a log, nothing); it must be
 * cheap on the request's thread, must never block it (export happens elsewhere), and must never carry
 * a key or, unless its operator asked for it, prompt or answer text. The router guards every call: a
 * tracer that throws is logged and the request goes on.
 *
 * <p>The default is {@link #NOOP}: a router without a tracer opens no trace and pays one field read.
 */
@FunctionalInterface
public interface RouterTracer {

    /**
     * Opens the trace of one request, as the caller's thread enters the router. An implementation may
     * take its parent from the thread's context (the gateway's server span, or an embedding
     * application's own span).
     */
    RequestTrace start(ChatCommand command);

    RouterTracer NOOP = command -> RequestTrace.NONE;
}

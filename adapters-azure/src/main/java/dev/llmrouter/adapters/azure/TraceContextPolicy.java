package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.Context;
import reactor.core.publisher.Mono;

/**
 * Names the attempt's trace to the deployment (Requirement 10.2): the W3C {@code traceparent} the
 * router put on the {@code ChatCall} travels in the call's azure-core {@link Context} under
 * {@link #KEY} and is written here, the last policy, so it is the one header the deployment sees. A
 * call without one is sent as it is.
 */
final class TraceContextPolicy implements HttpPipelinePolicy {

    static final String KEY = "llm-router-traceparent";
    private static final HttpHeaderName TRACEPARENT = HttpHeaderName.fromString("traceparent");

    /** {@code base} carrying {@code traceparent}, or {@code base} itself when there is none. */
    static Context with(Context base, String traceparent) {
        return traceparent.isEmpty() ? base : base.addData(KEY, traceparent);
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        apply(context);
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        apply(context);
        return next.processSync();
    }

    private static void apply(HttpPipelineCallContext context) {
        context.getData(KEY).ifPresent(value -> context.getHttpRequest().setHeader(TRACEPARENT, value.toString()));
    }
}

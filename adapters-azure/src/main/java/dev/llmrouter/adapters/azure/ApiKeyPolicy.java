package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import java.net.URL;
import reactor.core.publisher.Mono;

/**
 * Adds the {@code api-key} header. Unlike the SDK's key policy it also serves plain-HTTP loopback
 * endpoints (local test doubles), and it refuses every other plain-HTTP URL, so a key never travels
 * unencrypted off this machine.
 */
final class ApiKeyPolicy implements HttpPipelinePolicy {

    static final HttpHeaderName API_KEY = HttpHeaderName.fromString("api-key");

    private final String key;

    ApiKeyPolicy(String key) {
        this.key = key;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        try {
            authorize(context);
        } catch (IllegalStateException e) {
            return Mono.error(e);
        }
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        authorize(context);
        return next.processSync();
    }

    private void authorize(HttpPipelineCallContext context) {
        URL url = context.getHttpRequest().getUrl();
        if (!"https".equalsIgnoreCase(url.getProtocol()) && !Loopback.isLoopbackHost(url.getHost())) {
            throw new IllegalStateException("refusing to send an api key over plain http to " + url.getHost());
        }
        context.getHttpRequest().setHeader(API_KEY, key);
    }
}

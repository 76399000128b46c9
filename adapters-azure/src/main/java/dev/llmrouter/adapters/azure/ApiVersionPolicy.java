package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.UrlBuilder;
import reactor.core.publisher.Mono;

/** Sets {@code api-version} to the configured string, whatever the SDK's own enum offers. */
final class ApiVersionPolicy implements HttpPipelinePolicy {

    private final String version;

    ApiVersionPolicy(String version) {
        this.version = version;
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

    private void apply(HttpPipelineCallContext context) {
        var request = context.getHttpRequest();
        request.setUrl(UrlBuilder.parse(request.getUrl()).setQueryParameter("api-version", version).toString());
    }
}

package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.UrlBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;

/**
 * Sets {@code api-version} to the configured string, whatever the SDK's own enum offers. A URL that
 * already carries exactly that one {@code api-version} (the adapter's own stream URLs) is left as it
 * is, which saves parsing and rebuilding it on every call.
 */
final class ApiVersionPolicy implements HttpPipelinePolicy {

    private static final String KEY = "api-version=";

    private final String version;
    private final String param;

    ApiVersionPolicy(String version) {
        this.version = version;
        this.param = KEY + URLEncoder.encode(version, StandardCharsets.UTF_8);
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
        if (!hasOnlyOurs(request.getUrl().getQuery())) {
            request.setUrl(UrlBuilder.parse(request.getUrl()).setQueryParameter("api-version", version).toString());
        }
    }

    /** True when the query has one {@code api-version} parameter and it is the configured one. */
    boolean hasOnlyOurs(String query) {
        if (query == null) {
            return false;
        }
        int at = query.indexOf(KEY);
        if (at < 0 || query.indexOf(KEY, at + 1) >= 0 || (at > 0 && query.charAt(at - 1) != '&')) {
            return false;
        }
        int end = at + param.length();
        return query.startsWith(param, at) && (end == query.length() || query.charAt(end) == '&');
    }
}

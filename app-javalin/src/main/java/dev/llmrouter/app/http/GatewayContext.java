package dev.llmrouter.app.http;

import dev.llmrouter.adapters.inmemory.InMemoryResponseHomes;
import dev.llmrouter.adapters.otel.ServerSpans;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.router.RouteChatUseCase;
import dev.llmrouter.ports.usage.UsageQueryUseCase;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.llmrouter.app.storage.StoreStatus;
import dev.llmrouter.ports.responses.ResponseHomes;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything the HTTP layer needs, built by the application's wiring (or by a test): the HTTP layer
 * only parses, validates, calls a use case and maps the answer.
 *
 * @param router        the routing use case
 * @param usage         the usage query use case
 * @param deployments   the operator's deployment status query
 * @param accounts      key → account
 * @param fleet         the catalog and deployments (for {@code /v1/models})
 * @param metrics       the Prometheus registry scraped at {@code /metrics}
 * @param maxBodyBytes  the largest request body accepted (413 above it)
 * @param bodyRead      how long a request body may take to arrive (408 beyond it)
 * @param stores        the state of the ledger, quota and rate-limit stores, probed now (for {@code /health/ready})
 * @param spans         the server span of each chat request (Requirement 10.1), or null when tracing is off
 * @param responseHomes which deployment holds each stored response, for {@code previous_response_id}
 */
public record GatewayContext(
        RouteChatUseCase router,
        UsageQueryUseCase usage,
        DeploymentStatusQuery deployments,
        AccountDirectory accounts,
        Fleet fleet,
        PrometheusMeterRegistry metrics,
        long maxBodyBytes,
        BodyReadLimits bodyRead,
        Supplier<List<StoreStatus>> stores,
        ServerSpans spans,
        ResponseHomes responseHomes) {

    /** Default body limit: several base64 images (20 MiB). */
    public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;

    public GatewayContext {
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(deployments, "deployments");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(bodyRead, "bodyRead");
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(responseHomes, "responseHomes");
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
    }

    /** A context without tracing, its response homes kept in this process. */
    public GatewayContext(RouteChatUseCase router, UsageQueryUseCase usage, DeploymentStatusQuery deployments,
            AccountDirectory accounts, Fleet fleet, PrometheusMeterRegistry metrics, long maxBodyBytes, BodyReadLimits bodyRead,
            Supplier<List<StoreStatus>> stores) {
        this(router, usage, deployments, accounts, fleet, metrics, maxBodyBytes, bodyRead, stores, null,
                new InMemoryResponseHomes());
    }

    /** A context with no stores to report (an HTTP layer over fakes). */
    public GatewayContext(RouteChatUseCase router, UsageQueryUseCase usage, DeploymentStatusQuery deployments,
            AccountDirectory accounts, Fleet fleet, PrometheusMeterRegistry metrics, long maxBodyBytes, BodyReadLimits bodyRead) {
        this(router, usage, deployments, accounts, fleet, metrics, maxBodyBytes, bodyRead, List::of);
    }
}

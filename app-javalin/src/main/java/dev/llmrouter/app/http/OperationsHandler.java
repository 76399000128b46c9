package dev.llmrouter.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * The operator's routes: {@code GET /admin/deployments} (operator key only), {@code /health/live},
 * {@code /health/ready} and {@code /metrics} (unauthenticated, for probes and scrapers).
 *
 * <p>Ready means the gateway can route: its fleet has deployments and the router's health view
 * answers. A fleet whose breakers are all open is still ready — it answers 503 with
 * {@code Retry-After}, which callers handle better than a missing instance.
 */
final class OperationsHandler {

    private final Authenticator auth;
    private final DeploymentStatusQuery deployments;
    private final PrometheusMeterRegistry metrics;

    OperationsHandler(Authenticator auth, DeploymentStatusQuery deployments, PrometheusMeterRegistry metrics) {
        this.auth = auth;
        this.deployments = deployments;
        this.metrics = metrics;
    }

    void deployments(Context ctx) {
        auth.requireOperator(ctx);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (DeploymentStatus s : deployments.deployments()) {
            ObjectNode node = data.addObject();
            node.put("id", s.deployment().id().value());
            node.put("model", s.deployment().modelId());
            node.put("region", s.deployment().region().name());
            node.put("geography", s.deployment().region().geography().id());
            node.put("role", s.deployment().role().name().toLowerCase(java.util.Locale.ROOT));
            node.put("breaker", s.breaker());
            node.put("open_until", s.openUntil().map(Object::toString).orElse(null));
            node.put("cooling_until", s.coolingUntil().map(Object::toString).orElse(null));
            node.put("recent_calls", s.recentCalls());
            node.put("recent_failures", s.recentFailures());
            node.put("transitions", s.transitions());
        }
        ctx.contentType("application/json").result(Json.bytes(root));
    }

    void live(Context ctx) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("status", "live");
        ctx.contentType("application/json").result(Json.bytes(root));
    }

    void ready(Context ctx) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        List<DeploymentStatus> all;
        try {
            all = deployments.deployments();
        } catch (RuntimeException e) {
            RequestLog.LOG.warn("readiness: deployment status failed: {}", e.toString());
            root.put("status", "not_ready");
            ctx.status(503).contentType("application/json").result(Json.bytes(root));
            return;
        }
        long open = all.stream().filter(s -> "open".equals(s.breaker())).count();
        root.put("status", all.isEmpty() ? "not_ready" : "ready");
        root.put("deployments", all.size());
        root.put("open_breakers", open);
        ctx.status(all.isEmpty() ? 503 : 200).contentType("application/json").result(Json.bytes(root));
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }
}

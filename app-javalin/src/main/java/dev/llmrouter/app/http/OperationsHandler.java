package dev.llmrouter.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrouter.ports.admin.DeploymentStatusQuery;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.llmrouter.app.storage.StoreStatus;
import java.util.List;
import java.util.function.Supplier;

/**
 * The operator's routes: {@code GET /admin/deployments} (operator key only), {@code /health/live},
 * {@code /health/ready} and {@code /metrics} (unauthenticated, for probes and scrapers).
 *
 * <p>Ready means the gateway can route: its fleet has deployments and the router's health view
 * answers. A fleet whose breakers are all open is still ready — it answers 503 with
 * {@code Retry-After}, which callers handle better than a missing instance. The same holds for a
 * store that cannot answer (Requirement 7.5): the page lists each store with its kind, its failure
 * policy and whether it answers, and says {@code degraded} while one does not, but stays 200, since
 * every replica shares the store and a missing instance would serve no caller better than a 503
 * with {@code Retry-After} does. {@code /health/live} reads no store at all.
 */
final class OperationsHandler {

    private final Authenticator auth;
    private final DeploymentStatusQuery deployments;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<List<StoreStatus>> stores;

    OperationsHandler(Authenticator auth, DeploymentStatusQuery deployments, PrometheusMeterRegistry metrics,
            Supplier<List<StoreStatus>> stores) {
        this.auth = auth;
        this.deployments = deployments;
        this.metrics = metrics;
        this.stores = stores;
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
            // Balancing, as this process sees it: the weight, what the deployment last said it has left
            // (less what was sent since; null when it never said or the window has reset), requests in
            // flight now, and the decayed latency (to the first token for streams).
            ObjectNode balancing = node.putObject("balancing");
            balancing.put("weight", s.load().weight());
            putKnown(balancing, "remaining_tokens", s.load().remainingTokens());
            putKnown(balancing, "remaining_requests", s.load().remainingRequests());
            balancing.put("in_flight", s.load().inFlight());
            if (s.load().latencyNanos() < 0) {
                balancing.putNull("latency_ms");
            } else {
                balancing.put("latency_ms", s.load().latencyNanos() / 1_000_000);
            }
        }
        ctx.contentType("application/json").result(Json.bytes(root));
    }

    private static void putKnown(ObjectNode node, String field, long value) {
        if (value < 0) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
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
        List<StoreStatus> storeStates = stores.get();
        boolean storesAnswer = storeStates.stream().allMatch(StoreStatus::available);
        root.put("status", all.isEmpty() ? "not_ready" : storesAnswer ? "ready" : "degraded");
        root.put("deployments", all.size());
        root.put("open_breakers", open);
        if (!storeStates.isEmpty()) {
            ObjectNode byName = root.putObject("stores");
            for (StoreStatus s : storeStates) {
                ObjectNode node = byName.putObject(s.store());
                node.put("kind", s.kind());
                node.put("policy", s.policy());
                node.put("status", s.available() ? "up" : "down");
                s.problem().ifPresent(p -> node.put("problem", p));
            }
        }
        ctx.status(all.isEmpty() ? 503 : 200).contentType("application/json").result(Json.bytes(root));
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }
}

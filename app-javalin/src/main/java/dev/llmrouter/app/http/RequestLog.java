package dev.llmrouter.app.http;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.router.RouteInfo;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one structured log line of a request, filled in as the request goes and written when it ends:
 * {@code request id=… trace_id=… method=… path=… account=… tier=… model=… deployment=… region=… status=…
 * latency_ms=… tokens_in=… tokens_out=… cost_usd=… outcome=…}; {@code trace_id} is the request's
 * trace (Requirement 10.2), {@code -} when it was not traced. It holds no key, no body and no prompt:
 * only the route's path (never the query) and what the router decided.
 */
final class RequestLog {

    static final Logger LOG = LoggerFactory.getLogger("dev.llmrouter.app.http.access");
    private static final String ATTRIBUTE = "llmrouter.requestLog";

    final String requestId;
    final long startNanos;
    String traceId = "-";
    String account = "-";
    String tier = "-";
    String model = "-";
    String deployment = "-";
    String region = "-";
    String outcome = "-";
    long tokensIn;
    long tokensOut;
    Money cost = Money.ZERO;
    int attempts;

    private RequestLog(String requestId, long startNanos) {
        this.requestId = requestId;
        this.startNanos = startNanos;
    }

    static RequestLog start(Context ctx, String requestId) {
        RequestLog log = new RequestLog(requestId, System.nanoTime());
        ctx.attribute(ATTRIBUTE, log);
        return log;
    }

    /** This request's log; a fresh one if the request failed before the first filter ran. */
    static RequestLog of(Context ctx) {
        RequestLog log = ctx.attribute(ATTRIBUTE);
        return log != null ? log : start(ctx, RequestIds.assign(ctx));
    }

    void route(RouteInfo route) {
        tier = route.tier().id();
        model = route.model().id();
        deployment = route.deployment().id().value();
        region = route.deployment().region().name();
    }

    void metered(TokenUsage usage, Money cost) {
        tokensIn = usage.inputTokens();
        tokensOut = usage.outputTokens();
        this.cost = cost;
    }

    /**
     * Logs the line at INFO: the logger's level decides (at WARN or above nothing is built), and
     * the async appender of {@code logback.xml} ({@link AccessLogAppender}) writes it off this thread.
     */
    void write(String method, String path, int status) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long latencyMs = (System.nanoTime() - startNanos) / 1_000_000;
        StringBuilder line = new StringBuilder(384)
                .append("request id=").append(requestId)
                .append(" trace_id=").append(traceId)
                .append(" method=").append(method)
                .append(" path=").append(RouterHeaders.printable(path))
                .append(" account=").append(account)
                .append(" tier=").append(tier)
                .append(" model=").append(model)
                .append(" deployment=").append(deployment)
                .append(" region=").append(region)
                .append(" status=").append(status)
                .append(" latency_ms=").append(latencyMs)
                .append(" tokens_in=").append(tokensIn)
                .append(" tokens_out=").append(tokensOut)
                .append(" cost_usd=").append(cost.toUsdString())
                .append(" attempts=").append(attempts)
                .append(" outcome=").append(outcome);
        LOG.info(line.toString());
    }
}

package dev.llmrouter.app.http;

import dev.llmrouter.adapters.azure.ChatBodyReader;
import dev.llmrouter.adapters.otel.ServerSpans;
import dev.llmrouter.ports.chat.ChatOperation;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.opentelemetry.context.Scope;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The gateway's HTTP API (Requirement 3): an OpenAI- and Azure-OpenAI-compatible front for the router.
 *
 * <p>{@link #create(GatewayContext)} builds the Javalin app, not started; the caller starts it on a
 * port ({@code HttpApi.create(context).start(8080)}) and stops it. This class is the one place the
 * route tree is built; each handler only parses, validates, calls a use case and maps the answer, and
 * {@link OutcomeMapping} is the one place outcomes become statuses.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code POST /v1/chat/completions}, {@code POST /v1/completions}</td><td>OpenAI shape; {@code model}
 *       names a tier ({@code premium}, {@code standard}, {@code economy}) or a model; absent: the plan's default
 *       tier</td></tr>
 *   <tr><td>{@code POST /openai/deployments/{name}/chat/completions}, {@code .../completions}</td><td>Azure
 *       shape; {@code {name}} is the tier or model; any {@code api-version}</td></tr>
 *   <tr><td>{@code POST /v1/embeddings}, {@code POST /openai/deployments/{name}/embeddings}</td><td>embeddings
 *       (Requirement 8.1): string, array or token-array {@code input}; {@code dimensions} and
 *       {@code encoding_format} reach the deployment as sent</td></tr>
 *   <tr><td>{@code POST /openai/v1/chat/completions}, {@code POST /openai/v1/embeddings},
 *       {@code GET /openai/v1/models}</td><td>Azure's v1 API (Requirement 8.3): the OpenAI shape, {@code model}
 *       names a tier, a model or a deployment; any {@code api-version} is ignored</td></tr>
 *   <tr><td>{@code POST /v1/responses}, {@code POST /openai/v1/responses}</td><td>the Responses API, plain and
 *       streamed; {@code model} as for chat; a {@code previous_response_id} goes to the deployment that answered
 *       it</td></tr>
 *   <tr><td>{@code GET /v1/models}, {@code GET /v1/models/{id}}</td><td>what the caller's plan may name</td></tr>
 *   <tr><td>{@code GET /v1/usage?from=&to=&group_by=}</td><td>the caller's own usage ({@link UsageHandler})</td></tr>
 *   <tr><td>{@code GET /admin/deployments}</td><td>breaker and cooldown state; operator keys only</td></tr>
 *   <tr><td>{@code GET /health/live}, {@code /health/ready}, {@code /metrics}</td><td>probes and Prometheus,
 *       no key</td></tr>
 * </table>
 *
 * <p>Keys: {@code Authorization: Bearer KEY} or {@code api-key: KEY}. Request headers:
 * {@link RouterHeaders}. Response headers: {@code x-request-id} on every answer; on chat answers
 * {@code x-router-tier}, {@code x-router-model}, {@code x-router-deployment}, {@code x-router-region},
 * {@code x-router-downgraded} (the reason, only when served below the requested tier),
 * {@code x-router-attempts} (deployment calls made) and {@code x-router-cost-usd} (exact decimal) — these
 * two not on streams, whose headers leave before the end — and {@code x-ratelimit-*} for each limited
 * dimension.
 * Errors: OpenAI's shape with the statuses of {@link OutcomeMapping} and {@link ApiError}; never a
 * stack trace, never a 500 for anything a caller sent.
 */
public final class HttpApi {

    private HttpApi() {}

    /** The gateway on the system clock. */
    public static Javalin create(GatewayContext context) {
        return create(context, InstantSource.system());
    }

    /**
     * @param clock the clock the router runs on, so that {@code Retry-After} derived from
     *              {@code Exhausted.retryAt} and usage defaults agree with it
     */
    public static Javalin create(GatewayContext context, InstantSource clock) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(clock, "clock");
        Authenticator auth = new Authenticator(context.accounts());
        ChatHandler chat = new ChatHandler(context.router(), auth, new ChatRequestParser(new ChatBodyReader(context.maxBodyBytes())),
                context.fleet(), clock, context.maxBodyBytes(), context.bodyRead(), new AccountConcurrency(),
                context.responseHomes());
        ModelsHandler models = new ModelsHandler(auth, context.fleet());
        UsageHandler usage = new UsageHandler(auth, context.usage(), clock);
        OperationsHandler ops = new OperationsHandler(auth, context.deployments(), context.metrics(), context.stores());
        long maxBody = context.maxBodyBytes();
        return Javalin.create(config -> {
            configure(config, maxBody);
            RoutesConfig r = config.routes;
            r.before(ctx -> before(ctx, maxBody, auth));
            ServerSpans spans = context.spans();
            // Every routed operation runs under its server span (Requirement 10.1), named by its route.
            BiConsumer<String, Handler> post = (path, handler) -> r.post(path, traced(spans, path, handler));
            post.accept("/v1/chat/completions", ctx -> chat.openAi(ctx, ChatOperation.CHAT));
            post.accept("/v1/completions", ctx -> chat.openAi(ctx, ChatOperation.TEXT_COMPLETION));
            post.accept("/openai/deployments/{name}/chat/completions", ctx -> chat.azure(ctx, ChatOperation.CHAT));
            post.accept("/openai/deployments/{name}/completions", ctx -> chat.azure(ctx, ChatOperation.TEXT_COMPLETION));
            post.accept("/v1/embeddings", ctx -> chat.openAi(ctx, ChatOperation.EMBEDDINGS));
            post.accept("/openai/deployments/{name}/embeddings", ctx -> chat.azure(ctx, ChatOperation.EMBEDDINGS));
            // Azure's v1 API: the OpenAI shape under /openai/v1, the deployment in the body's model.
            post.accept("/openai/v1/chat/completions", ctx -> chat.openAi(ctx, ChatOperation.CHAT));
            post.accept("/openai/v1/embeddings", ctx -> chat.openAi(ctx, ChatOperation.EMBEDDINGS));
            post.accept("/v1/responses", ctx -> chat.openAi(ctx, ChatOperation.RESPONSES));
            post.accept("/openai/v1/responses", ctx -> chat.openAi(ctx, ChatOperation.RESPONSES));
            r.get("/v1/models", models::list);
            r.get("/v1/models/{id}", models::one);
            r.get("/openai/v1/models", models::list);
            r.get("/openai/v1/models/{id}", models::one);
            r.get("/v1/usage", usage::report);
            r.get("/admin/deployments", ops::deployments);
            r.get("/health/live", ops::live);
            r.get("/health/ready", ops::ready);
            r.get("/metrics", ops::metrics);
            r.after(HttpApi::after);
            r.exception(ApiError.ApiException.class, (e, ctx) -> respond(ctx, e.error()));
            r.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, fromJavalin(e, ctx, maxBody)));
            r.exception(Exception.class, (e, ctx) -> unexpected(e, ctx, context.bodyRead()));
        });
    }

    private static void configure(JavalinConfig config, long maxBody) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.maxRequestSize = maxBody;
        // Streams must reach the caller frame by frame; answers are small JSON. No compression anywhere.
        config.http.compressionStrategy = CompressionStrategy.NONE;
        config.http.prefer405over404 = true;
        config.http.generateEtags = false;
        // Javalin copies every ctx.result(...) through a buffer of this size, allocated per response; left
        // unset it is Jetty's 32 KB output buffer. Chat answers bypass the copy (Bodies.writeJson); the
        // other answers are small JSON (or a metrics page) that a few 8 KB copies move as well.
        config.http.responseBufferSize = 8 * 1024;
        config.jetty.modifyServer(server -> {
            server.setErrorHandler(new JsonErrorHandler());
            // Outermost, so that every answer of every route lingers over an unread body the same way.
            server.setHandler(new LingeringRefusal(maxBody));
        });
        config.router.javaLangErrorHandler((res, error) -> {
            RequestLog.LOG.error("fatal error while serving a request", error);
            try {
                String id = java.util.UUID.randomUUID().toString();
                res.setStatus(500);
                res.setContentType("application/json");
                res.setHeader(RequestIds.HEADER, id);
                res.getOutputStream().write(ApiError.internal(id).toJson());
            } catch (java.io.IOException | RuntimeException ignored) {
                // the connection is beyond saving
            }
        });
    }

    /**
     * Every request: a request id, a log entry, the key checked on every protected path (whatever the
     * method: a HEAD or a PUT must not answer anything a GET would not), and an early 413 when the
     * declared length is too large.
     */
    private static void before(Context ctx, long maxBody, Authenticator auth) {
        RequestLog.start(ctx, RequestIds.assign(ctx));
        auth.guard(ctx);
        String length = ctx.header("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBody) {
                    throw ApiError.bodyTooLarge(maxBody).exception();
                }
            } catch (NumberFormatException e) {
                throw ApiError.of(400, "invalid_request_error", "invalid_content_length",
                        "The Content-Length header is not a number.", null).exception();
            }
        }
    }

    private static void after(Context ctx) {
        ServerSpans.ServerSpan span = ctx.attribute(SERVER_SPAN);
        if (span != null) {
            span.end(ctx.statusCode());
        }
        RequestLog.of(ctx).write(ctx.method().toString(), ctx.path(), ctx.statusCode());
    }

    private static final String SERVER_SPAN = "llmrouter.serverSpan";

    /**
     * A chat route under its server span (Requirements 10.1, 10.2): started from the caller's W3C
     * headers (a malformed one starts a new trace), current on this thread while the handler runs, so
     * the router's attempts are its children, and ended by {@link #after} with the answer's status.
     */
    private static Handler traced(ServerSpans spans, String route, Handler handler) {
        if (spans == null) {
            return handler;
        }
        return ctx -> {
            ServerSpans.ServerSpan span = spans.start(ctx.method().toString(), route, ctx::header);
            ctx.attribute(SERVER_SPAN, span);
            String traceId = span.traceId();
            if (!traceId.isEmpty()) {
                RequestLog.of(ctx).traceId = traceId;
            }
            try (Scope ignored = span.makeCurrent()) {
                handler.handle(ctx);
            }
        };
    }

    private static ApiError fromJavalin(HttpResponseException e, Context ctx, long maxBody) {
        return switch (e.getStatus()) {
            case 404 -> ApiError.unknownRoute(ctx.method().toString(), RouterHeaders.printable(ctx.path()));
            case 405 -> ApiError.methodNotAllowed(ctx.method().toString(), RouterHeaders.printable(ctx.path()));
            case 413 -> ApiError.bodyTooLarge(maxBody);
            default -> ApiError.of(e.getStatus(), e.getStatus() >= 500 ? "server_error" : "invalid_request_error",
                    "http_" + e.getStatus(), "The request was rejected (" + e.getStatus() + ").", null);
        };
    }

    private static void unexpected(Exception e, Context ctx, BodyReadLimits bodyRead) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.nio.charset.CharacterCodingException) {
            respond(ctx, ApiError.invalidJson("the body is not valid UTF-8"));
            return;
        }
        if (root instanceof java.util.concurrent.TimeoutException) {
            // A read of the request outside the chat routes' own deadline timed out: still the caller's slowness.
            respond(ctx, ApiError.bodyTimeout(bodyRead));
            return;
        }
        if (root instanceof java.io.IOException) {
            // Reading the request failed (the caller went away mid-body, or sent a broken chunked body).
            respond(ctx, ApiError.of(400, "invalid_request_error", "unreadable_body",
                    "The request body could not be read.", null));
            return;
        }
        String id = RequestIds.assign(ctx);
        RequestLog.LOG.error("request id={} failed in the gateway", id, e);
        respond(ctx, ApiError.internal(id));
    }

    /** Writes an error answer, unless a stream already committed the response. */
    static void respond(Context ctx, ApiError error) {
        if (ctx.res().isCommitted()) {
            return;
        }
        RequestIds.assign(ctx);
        ctx.status(error.status());
        error.headers().forEach(ctx::header);
        ctx.contentType("application/json");
        ctx.result(error.toJson());
        RequestLog.of(ctx).outcome = error.code() == null ? "error" : error.code();
    }
}

package dev.llmrouter.adapters.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.http.rest.RequestOptions;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.PromptTokenEstimator;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The chat port on Azure OpenAI, through the official {@code azure-ai-openai} SDK (Requirement 2): chat
 * and text completions through its protocol methods, and embeddings (Requirement 8.1) on the same
 * pipeline (see {@link #embeddings} for why not through the SDK's method).
 *
 * <p>One SDK client per deployment, built at construction (so a bad configuration fails at start)
 * and reused. The caller's JSON goes through the SDK's protocol methods as {@link BinaryData}, so
 * every field the caller sent reaches the deployment unchanged; only the output cap and, for streams,
 * {@code stream}/{@code stream_options.include_usage} are set. Streams are read straight from the
 * pipeline's response body, one SSE event per {@link ChatStream#next()}, without buffering.
 *
 * <p>Each call is one attempt (the pipeline has no retry policy: the router owns retries) bounded by
 * {@link ChatCall#timeout()}: the whole call for plain requests; for streams the wait for the
 * headers, then the longest silence between two reads. Every failure is an {@link EndpointException}
 * with a classified {@link Failure}; no SDK exception escapes.
 *
 * <p>Transport: OkHttp under azure-core ({@link #defaultHttpClient()}), shared by every deployment.
 * Calls block the calling thread (plain calls through the SDK's synchronous protocol methods, streams
 * read on the caller's thread), which measured cheaper than the reactive path and suits virtual
 * threads. Any azure-core {@link HttpClient} can be given instead; a deadline both cancels the OkHttp
 * call and interrupts the thread, so a JDK-client transport is bounded too.
 */
public final class AzureOpenAiEndpoint implements ChatEndpoint {

    /**
     * Asks the transport to read a plain answer's body whole, in one array of its declared length,
     * before the call returns. Without it the SDK wraps the body in a stream and copies it through
     * growable buffers (measured: the largest single source of the gateway's allocation per request).
     */
    private static final Context READ_WHOLE_BODY = new Context("azure-eagerly-read-response", true);
    private static final HttpHeaderName CLIENT_REQUEST_ID = HttpHeaderName.fromString("x-ms-client-request-id");

    private final Map<DeploymentId, DeploymentClient> clients;
    private final FailureClassifier classifier;
    private final PromptTokenEstimator estimator;

    /** With the default HTTP client (OkHttp, {@link #defaultHttpClient()}), the system clock and the tokenizer estimator. */
    public AzureOpenAiEndpoint(Collection<AzureDeploymentSettings> deployments) {
        this(deployments, defaultHttpClient(), InstantSource.system(), new TokenizerEstimator());
    }

    /**
     * @param deployments one settings entry per deployment this endpoint serves
     * @param httpClient  the HTTP client every deployment's pipeline shares (one connection pool)
     * @param clock       reads {@code Retry-After} dates
     * @param estimator   counts prompt tokens when a stream ends without a usage chunk
     */
    public AzureOpenAiEndpoint(Collection<AzureDeploymentSettings> deployments, HttpClient httpClient,
            InstantSource clock, PromptTokenEstimator estimator) {
        Objects.requireNonNull(httpClient, "httpClient");
        this.classifier = new FailureClassifier(Objects.requireNonNull(clock, "clock"));
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        Map<DeploymentId, DeploymentClient> built = new LinkedHashMap<>();
        for (AzureDeploymentSettings s : deployments) {
            if (built.put(s.id(), new DeploymentClient(s, httpClient)) != null) {
                throw new IllegalArgumentException("deployment " + s.id() + " configured twice");
            }
        }
        this.clients = Map.copyOf(built);
    }

    /**
     * OkHttp under azure-core (azure-core-http-okhttp), one connection pool for every deployment.
     *
     * <p>Why OkHttp: its synchronous calls run wholly on the calling thread, where the JDK client's
     * {@code send} is {@code sendAsync} plus a wait, so every JDK answer crossed threads (selector,
     * executor, caller) and took the JDK client's shared locks; measured on loopback in the same run
     * ({@code benchmarks/.../azure/AzureTransportAB}), OkHttp cost about half the CPU time per call
     * and answered sooner, for plain calls and streams.
     *
     * <p>Settings, each to keep the adapter's contract:
     * <ul>
     *   <li>no retry on connection failure (OkHttp's default retries some broken exchanges itself):
     *       the router owns retries (Requirement 2.7), one call is one attempt;</li>
     *   <li>HTTP/1.1 only, as before: one exchange per connection, so a broken connection breaks one
     *       call, never a multiplexed batch;</li>
     *   <li>no read, write or response timeout of the transport's own: the adapter's deadline (whole
     *       call) and a stream's idle timer bound every wait and cancel the call through
     *       {@link InFlightCall#BIND}; transport timers would only add a timer-queue entry per read;</li>
     *   <li>up to 256 idle connections kept for 5 minutes (OkHttp keeps 5 by default, which would
     *       close and reopen connections whenever more than 5 calls overlap); a pooled connection
     *       idle for more than 10 s is probed before reuse, so one the server closed is not used.</li>
     * </ul>
     */
    public static HttpClient defaultHttpClient() {
        return okHttpClient(new okhttp3.OkHttpClient.Builder());
    }

    /** {@link #defaultHttpClient()} over an OkHttp builder the caller prepared (tests: a trust store). */
    static HttpClient okHttpClient(okhttp3.OkHttpClient.Builder base) {
        okhttp3.OkHttpClient okHttp = base
                .retryOnConnectionFailure(false)
                .protocols(List.of(okhttp3.Protocol.HTTP_1_1))
                .connectionPool(new okhttp3.ConnectionPool(256, 5, java.util.concurrent.TimeUnit.MINUTES))
                .addInterceptor(InFlightCall.BIND)
                .build();
        return new OkHttpAsyncHttpClientBuilder(okHttp)
                .responseTimeout(Duration.ZERO)
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .followRedirects(false)
                .build();
    }

    /** The deployments this endpoint can call. */
    public java.util.Set<DeploymentId> deployments() {
        return clients.keySet();
    }

    @Override
    public ChatReply complete(ChatCall call) {
        DeploymentClient c = client(call);
        if (onV1(call, c)) {
            return completeOnV1(call, c);
        }
        byte[] body = body(call, false);
        RequestOptions options = new RequestOptions().setContext(TraceContextPolicy.with(READ_WHOLE_BODY, call.traceparent()));
        if (!call.requestId().isEmpty()) {
            options.setHeader(CLIENT_REQUEST_ID, call.requestId());
        }
        String name = c.settings.deployment().azureDeploymentName();
        RawAnswer answer;
        // The deadline covers the whole call, body included (a body that stalls after the headers is
        // cut at the timeout); it is the only timer of the call (the transport gets none of its own).
        InFlightCall inFlight = InFlightCall.open();
        try (Watchdog.Deadline deadline = new Watchdog.Deadline(call.timeout(), inFlight)) {
            try {
                // The SDK's synchronous protocol methods: the transport sends and reads on this thread.
                if (call.request().operation() == ChatOperation.EMBEDDINGS) {
                    answer = embeddings(c, call, body);
                } else {
                    Response<BinaryData> r = call.request().operation() == ChatOperation.TEXT_COMPLETION
                            ? c.client.getCompletionsWithResponse(name, BinaryData.fromBytes(body), options)
                            : c.client.getChatCompletionsWithResponse(name, BinaryData.fromBytes(body), options);
                    answer = new RawAnswer(r.getStatusCode(), r.getHeaders(),
                            r.getValue() == null ? new byte[0] : r.getValue().toBytes());
                }
            } catch (HttpResponseException e) {
                throw new EndpointException(errorAnswer(e),
                        RateLimitHeaders.capacity(e.getResponse() == null ? null : e.getResponse().getHeaders()), e);
            } catch (Throwable t) {
                if (deadline.expired()) {
                    throw new EndpointException(Failure.transport(FailureKind.TIMEOUT,
                            "no complete answer within " + call.timeout().toMillis() + " ms"), t);
                }
                HttpResponseException http = findHttpError(t);
                throw http != null ? new EndpointException(errorAnswer(http), t) : failed(t);
            }
        } finally {
            inFlight.detach();
        }
        if (answer == null) {
            throw new EndpointException(Failure.transport(FailureKind.CONNECTION_RESET, "no answer"));
        }
        if (answer.status / 100 != 2) {
            throw new EndpointException(classifier.ofResponse(answer.status, answer.headers, answer.body),
                    RateLimitHeaders.capacity(answer.headers));
        }
        return new ChatReply(answer.body, replyUsage(call, answer.body), RateLimitHeaders.capacity(answer.headers),
                SpilloverHeader.spilledFrom(answer.headers));
    }

    /**
     * A plain call on Azure's v1 path, through the deployment's pipeline (the SDK has no Responses
     * call): the same authentication, transport and deadline as the SDK's calls.
     */
    private ChatReply completeOnV1(ChatCall call, DeploymentClient c) {
        HttpRequest request = v1Request(call, c, false);
        RawAnswer answer;
        InFlightCall inFlight = InFlightCall.open();
        try (Watchdog.Deadline deadline = new Watchdog.Deadline(call.timeout(), inFlight)) {
            try (HttpResponse r = c.v1Pipeline.sendSync(request, TraceContextPolicy.with(READ_WHOLE_BODY, call.traceparent()))) {
                BinaryData value = r.getBodyAsBinaryData();
                answer = new RawAnswer(r.getStatusCode(), r.getHeaders(), value == null ? new byte[0] : value.toBytes());
            } catch (Throwable t) {
                if (deadline.expired()) {
                    throw new EndpointException(Failure.transport(FailureKind.TIMEOUT,
                            "no complete answer within " + call.timeout().toMillis() + " ms"), t);
                }
                throw failed(t);
            }
        } finally {
            inFlight.detach();
        }
        if (answer.status / 100 != 2) {
            throw new EndpointException(classifier.ofResponse(answer.status, answer.headers, answer.body),
                    RateLimitHeaders.capacity(answer.headers));
        }
        TokenUsage usage = call.request().operation() == ChatOperation.RESPONSES
                ? responsesUsage(call, answer.body) : replyUsage(call, answer.body);
        return new ChatReply(answer.body, usage, RateLimitHeaders.capacity(answer.headers),
                SpilloverHeader.spilledFrom(answer.headers));
    }

    /** The Responses API and every call of a deployment configured for it go by the v1 path. */
    private static boolean onV1(ChatCall call, DeploymentClient c) {
        return call.request().operation() == ChatOperation.RESPONSES
                || c.settings.api() == AzureDeploymentSettings.Api.V1;
    }

    private static HttpRequest v1Request(ChatCall call, DeploymentClient c, boolean stream) {
        String url = switch (call.request().operation()) {
            case RESPONSES -> c.v1ResponsesUrl;
            case TEXT_COMPLETION -> c.v1CompletionsUrl;
            case EMBEDDINGS -> c.v1EmbeddingsUrl;
            default -> c.v1ChatUrl;
        };
        byte[] body;
        try {
            body = RequestBodies.prepare(call.request(), call.maxOutputTokens(), stream,
                    call.candidate().model().supports(Capability.REASONING), c.settings.deployment().azureDeploymentName());
        } catch (IllegalArgumentException e) {
            throw new EndpointException(Failure.of(FailureKind.BAD_REQUEST, 0, "invalid_request_body", e.getMessage()));
        }
        HttpRequest request = new HttpRequest(HttpMethod.POST, url);
        request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
        request.setHeader(HttpHeaderName.ACCEPT, stream ? "text/event-stream" : "application/json");
        if (!call.requestId().isEmpty()) {
            request.setHeader(CLIENT_REQUEST_ID, call.requestId());
        }
        request.setBody(BinaryData.fromBytes(body));
        return request;
    }

    /** A response object's usage; estimated as chat's are when it reported none. */
    private TokenUsage responsesUsage(ChatCall call, byte[] body) {
        Map<String, Object> root = answerObject(body);
        Optional<TokenUsage> reported = ResponsesJson.usage(root);
        if (reported.isPresent()) {
            return reported.get();
        }
        TokenEncoding encoding = call.candidate().model().encoding();
        StringBuilder text = new StringBuilder();
        for (Object item : Json.array(root.get("output"))) {
            Map<String, Object> it = Json.object(item);
            text.append(Json.string(it.get("arguments")));
            for (Object part : Json.array(it.get("content"))) {
                text.append(Json.string(Json.object(part).get("text")));
            }
        }
        return estimatedUsage(call, encoding, text);
    }

    @Override
    public ChatStream openStream(ChatCall call) {
        if (!call.request().operation().generates()) {
            throw new EndpointException(Failure.of(FailureKind.BAD_REQUEST, 0, "invalid_request_body",
                    "an " + call.request().operation() + " request cannot be streamed"));
        }
        DeploymentClient c = client(call);
        boolean v1 = onV1(call, c);
        HttpRequest request;
        if (v1) {
            request = v1Request(call, c, true);
        } else {
            byte[] body = body(call, true);
            request = new HttpRequest(HttpMethod.POST,
                    call.request().operation() == ChatOperation.TEXT_COMPLETION ? c.completionsUrl : c.chatUrl);
            request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
            request.setHeader(HttpHeaderName.ACCEPT, "text/event-stream");
            if (!call.requestId().isEmpty()) {
                request.setHeader(CLIENT_REQUEST_ID, call.requestId());
            }
            request.setBody(BinaryData.fromBytes(body));
        }
        HttpPipeline pipeline = v1 ? c.v1Pipeline : c.pipeline;
        HttpResponse response;
        // Sent on this thread; returns at the status line and headers, with the body still streaming
        // from the socket. Connecting and the wait for the headers are bounded by the attempt timeout.
        InFlightCall inFlight = InFlightCall.open();
        Watchdog.Deadline deadline;
        try {
            deadline = new Watchdog.Deadline(call.timeout(), inFlight);
            try (deadline) {
                response = pipeline.sendSync(request, TraceContextPolicy.with(Context.NONE, call.traceparent()));
            } catch (Throwable t) {
                if (deadline.expired()) {
                    throw new EndpointException(Failure.transport(FailureKind.TIMEOUT,
                            "no answer within " + call.timeout().toMillis() + " ms"), t);
                }
                throw failed(t);
            }
        } finally {
            inFlight.detach();
        }
        // The alarm may fire after the headers came but before the deadline was closed (closing waits
        // for a firing alarm, so this reading is final): it has cancelled the call, so the socket and
        // the body are gone. That is a timeout, not a broken stream: say so instead of handing out a
        // stream whose first read fails as a reset.
        if (deadline.expired() && response != null) {
            response.close();
            throw new EndpointException(Failure.transport(FailureKind.TIMEOUT,
                    "no answer within " + call.timeout().toMillis() + " ms"));
        }
        if (response == null) {
            throw new EndpointException(Failure.transport(FailureKind.CONNECTION_RESET, "no answer"));
        }
        if (response.getStatusCode() != 200) {
            byte[] error;
            try (response; Watchdog.Deadline errorRead = new Watchdog.Deadline(call.timeout(), inFlight)) {
                error = errorRead.expired() ? new byte[0] : response.getBodyAsBinaryData().toBytes();
            } catch (Throwable t) {
                // The status still says what happened; keep it even if the body could not be read.
                error = new byte[0];
            }
            throw new EndpointException(classifier.ofResponse(response.getStatusCode(), response.getHeaders(),
                    error == null ? new byte[0] : error), RateLimitHeaders.capacity(response.getHeaders()));
        }
        TokenEncoding encoding = call.candidate().model().encoding();
        return new SseChatStream(response, inFlight, call.timeout(), classifier, encoding,
                () -> estimator.estimate(call.request(), encoding).expectedTokens(), c.settings.maxStreamEventBytes(),
                call.request().operation() == ChatOperation.RESPONSES);
    }

    /**
     * An embeddings call, POSTed on the deployment's pipeline (the SDK client's own: same policies, same
     * transport). Not through the SDK's embeddings protocol method: that one parses the body into a map,
     * writes it again and adds {@code encoding_format: base64} when the caller sent none, so a caller
     * relying on OpenAI's default (floats) would get base64 strings back, and no body would reach the
     * deployment as sent. Any status comes back as an answer; the caller of this method classifies it.
     */
    private static RawAnswer embeddings(DeploymentClient c, ChatCall call, byte[] body) {
        HttpRequest request = new HttpRequest(HttpMethod.POST, c.embeddingsUrl);
        request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
        request.setHeader(HttpHeaderName.ACCEPT, "application/json");
        if (!call.requestId().isEmpty()) {
            request.setHeader(CLIENT_REQUEST_ID, call.requestId());
        }
        request.setBody(BinaryData.fromBytes(body));
        try (HttpResponse response = c.pipeline.sendSync(request, TraceContextPolicy.with(READ_WHOLE_BODY, call.traceparent()))) {
            BinaryData answer = response.getBodyAsBinaryData();
            return new RawAnswer(response.getStatusCode(), response.getHeaders(), answer == null ? new byte[0] : answer.toBytes());
        }
    }

    private DeploymentClient client(ChatCall call) {
        DeploymentId id = call.candidate().deployment().id();
        DeploymentClient c = clients.get(id);
        if (c == null) {
            throw new EndpointException(Failure.of(FailureKind.DEPLOYMENT_MISSING, 0, "DeploymentNotConfigured",
                    "no Azure settings for deployment " + id));
        }
        return c;
    }

    private static byte[] body(ChatCall call, boolean stream) {
        try {
            return RequestBodies.prepare(call.request(), call.maxOutputTokens(), stream,
                    call.candidate().model().supports(Capability.REASONING), null);
        } catch (IllegalArgumentException e) {
            throw new EndpointException(Failure.of(FailureKind.BAD_REQUEST, 0, "invalid_request_body", e.getMessage()));
        }
    }

    private EndpointException failed(Throwable t) {
        if (t instanceof EndpointException e) {
            return e;
        }
        return new EndpointException(classifier.ofThrowable(t), t);
    }

    /** A 2xx answer's JSON object; a malformed answer when it is not one. */
    private static Map<String, Object> answerObject(byte[] body) {
        Map<String, Object> root;
        try {
            root = Json.object(Json.parse(body));
        } catch (IllegalArgumentException e) {
            throw new EndpointException(Failure.transport(FailureKind.MALFORMED_RESPONSE,
                    "2xx answer is not JSON: " + e.getMessage()));
        }
        if (root.isEmpty()) {
            throw new EndpointException(Failure.transport(FailureKind.MALFORMED_RESPONSE, "2xx answer is not a JSON object"));
        }
        return root;
    }

    /** Usage as the deployment reported it; estimated locally when it reported none. */
    private TokenUsage replyUsage(ChatCall call, byte[] body) {
        TokenUsage scanned = Json.scanUsage(body);
        if (scanned != null) {
            return scanned;
        }
        // No usage, or an answer the scan leaves to the full parse (which also words the errors).
        Map<String, Object> root = answerObject(body);
        Optional<TokenUsage> reported = Json.usage(root);
        if (reported.isPresent()) {
            return reported.get();
        }
        TokenEncoding encoding = call.candidate().model().encoding();
        StringBuilder text = new StringBuilder();
        for (Object choice : Json.array(root.get("choices"))) {
            Map<String, Object> ch = Json.object(choice);
            text.append(Json.string(ch.get("text")));
            Map<String, Object> message = Json.object(ch.get("message"));
            text.append(Json.string(message.get("content")));
            List<?> toolCalls = Json.array(message.get("tool_calls"));
            if (!toolCalls.isEmpty()) {
                text.append(JsonText.write(toolCalls));
            }
        }
        return estimatedUsage(call, encoding, text);
    }

    /** The usage of an answer that reported none: the prompt as estimated, the output as {@code text} counts. */
    private TokenUsage estimatedUsage(ChatCall call, TokenEncoding encoding, CharSequence text) {
        return new TokenUsage(estimator.estimate(call.request(), encoding).expectedTokens(),
                Tokenizers.count(encoding, text.toString()));
    }

    /** The SDK raises non-2xx answers of protocol methods as exceptions; the status, headers and body are in it. */
    private Failure errorAnswer(HttpResponseException e) {
        HttpResponse response = e.getResponse();
        if (response == null) {
            return classifier.ofThrowable(e);
        }
        byte[] body = null;
        try {
            body = response.getBodyAsByteArray().block(java.time.Duration.ofSeconds(1));
        } catch (RuntimeException unreadable) {
            // fall back to the decoded value the SDK kept
        }
        if (body == null || body.length == 0) {
            Object value = e.getValue();
            if (value instanceof BinaryData b) {
                body = b.toBytes();
            } else if (value instanceof byte[] bytes) {
                body = bytes;
            } else if (value instanceof String str) {
                body = str.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else if (value != null) {
                body = JsonText.write(value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } else {
                body = new byte[0];
            }
        }
        return classifier.ofResponse(response.getStatusCode(), response.getHeaders(), body);
    }

    private static HttpResponseException findHttpError(Throwable t) {
        for (Throwable c = reactor.core.Exceptions.unwrap(t); c != null; c = c.getCause()) {
            if (c instanceof HttpResponseException h) {
                return h;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private record RawAnswer(int status, HttpHeaders headers, byte[] body) {}

}

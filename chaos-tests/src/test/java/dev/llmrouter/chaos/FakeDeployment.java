package dev.llmrouter.chaos;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Azure OpenAI deployment played by WireMock on a free loopback port, answering the real
 * adapter's requests ({@code POST /openai/deployments/{name}/chat/completions?api-version=...}, and the
 * Responses API's {@code POST /openai/v1/responses}) with Azure-shaped JSON or SSE streams — or with
 * the fault of the moment ({@link Behaviour}), switchable at any time while the gateway runs.
 *
 * <p>Two records of what happened, kept apart on purpose: WireMock's own request journal (what
 * arrived, with its arrival time) and {@link #answers()} (what this deployment decided to answer, for
 * counting successful upstream calls). Scenarios check the gateway's usage records and metrics against
 * them.
 */
final class FakeDeployment implements AutoCloseable {

    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern MAX_TOKENS = Pattern.compile("\"max_tokens\"\\s*:\\s*(\\d+)");

    /**
     * What this deployment answered to one request.
     *
     * @param at        when the answer was decided (the request had fully arrived)
     * @param requestId the gateway's {@code x-ms-client-request-id}, if sent
     * @param stream    the request asked for a stream
     * @param kind      the answer
     * @param status    the HTTP status sent (0 for a broken connection)
     */
    record Answer(Instant at, String requestId, boolean stream, Kind kind, int status) {

        /** A complete answer with usage: exactly the upstream calls a usage record may count as SUCCESS. */
        boolean success() {
            return kind == Kind.COMPLETE;
        }
    }

    enum Kind { COMPLETE, ERROR_STATUS, THROTTLED, BROKEN, STREAM_CUT }

    private final String name;
    private final String model;
    private final WireMockServer server;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private volatile Behaviour behaviour = Behaviour.healthy();

    private FakeDeployment(String name, String model) {
        this.name = Objects.requireNonNull(name);
        this.model = Objects.requireNonNull(model);
        this.server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(128)
                .jettyAcceptors(2)
                .asynchronousResponseEnabled(true)
                .asynchronousResponseThreads(32)
                .extensions(new Answering()));
    }

    /** Starts a healthy deployment named {@code name} serving {@code model}. */
    static FakeDeployment start(String name, String model) {
        FakeDeployment d = new FakeDeployment(name, model);
        d.server.start();
        d.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        return d;
    }

    String name() {
        return name;
    }

    /** {@code http://127.0.0.1:<port>}: a loopback endpoint, so the adapter may use plain HTTP with an api-key. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    // ---- behaviours ---------------------------------------------------------------------------

    FakeDeployment behave(Behaviour b) {
        this.behaviour = Objects.requireNonNull(b);
        return this;
    }

    Behaviour behaviour() {
        return behaviour;
    }

    FakeDeployment healthy() {
        return behave(Behaviour.healthy());
    }

    /** Healthy but slow: every answer starts after {@code delay}. */
    FakeDeployment slow(Duration delay) {
        return behave(new Behaviour.Healthy(delay));
    }

    FakeDeployment unavailable() {
        return behave(Behaviour.unavailable());
    }

    /** 503 for {@code period} from now, then healthy. */
    FakeDeployment unavailableFor(Duration period) {
        return behave(new Behaviour.Until(Instant.now().plus(period), Behaviour.unavailable(), Behaviour.healthy()));
    }

    FakeDeployment throttled(Duration retryAfter, Behaviour.RetryAfterStyle style) {
        return behave(new Behaviour.Throttled(retryAfter, style));
    }

    FakeDeployment broken(com.github.tomakehurst.wiremock.http.Fault fault) {
        return behave(new Behaviour.Broken(fault));
    }

    FakeDeployment flapping(double rate, long seed) {
        return flapping(rate, seed, Behaviour.unavailable());
    }

    /** Fails with {@code failure} at {@code rate} (seeded), else healthy. */
    FakeDeployment flapping(double rate, long seed, Behaviour failure) {
        return behave(new Behaviour.Flapping(rate, seed, failure));
    }

    /** Answers within a tokens-per-window quota, reporting what is left as Azure does (see {@link Behaviour.TokenQuota}). */
    FakeDeployment tokenQuota(long tokensPerWindow, Duration window) {
        return behave(new Behaviour.TokenQuota(tokensPerWindow, window));
    }

    FakeDeployment streamCutAfter(int contentChunks) {
        return behave(new Behaviour.StreamCut(contentChunks));
    }

    FakeDeployment contentFilter() {
        return behave(new Behaviour.ErrorStatus(400, AzureBodies.contentFilter()));
    }

    FakeDeployment contextLengthExceeded() {
        return behave(new Behaviour.ErrorStatus(400, AzureBodies.contextLengthExceeded()));
    }

    // ---- journals -----------------------------------------------------------------------------

    /** WireMock's request journal: every request that arrived, oldest first. */
    List<LoggedRequest> requests() {
        return server.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
    }

    /** Arrival times of the requests in the journal (millisecond precision), oldest first. */
    List<Instant> requestTimes() {
        return requests().stream().map(r -> r.getLoggedDate().toInstant()).toList();
    }

    /** One arrival in the journal: when, and the gateway's request id ({@code x-ms-client-request-id}). */
    record Arrival(Instant at, String requestId) {}

    List<Arrival> arrivals() {
        return requests().stream().map(r -> new Arrival(r.getLoggedDate().toInstant(),
                r.containsHeader("x-ms-client-request-id") ? r.getHeader("x-ms-client-request-id") : "")).toList();
    }

    int requestCount() {
        return server.getAllServeEvents().size();
    }

    /** What this deployment answered, in the order it decided. */
    List<Answer> answers() {
        return List.copyOf(answers);
    }

    long successfulCalls() {
        return answers.stream().filter(Answer::success).count();
    }

    long answersOf(Kind kind) {
        return answers.stream().filter(a -> a.kind() == kind).count();
    }

    /** Forgets both journals and turns healthy (between phases of a scenario). */
    void reset() {
        server.resetRequests();
        answers.clear();
        healthy();
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return name + "@" + baseUrl();
    }

    // ---- answering ----------------------------------------------------------------------------

    private final class Answering implements ResponseDefinitionTransformerV2 {

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            LoggedRequest request = event.getRequest();
            boolean stream = STREAM.matcher(request.getBodyAsString()).find();
            String requestId = request.containsHeader("x-ms-client-request-id")
                    ? request.getHeader("x-ms-client-request-id") : "";
            boolean responses = request.getUrl().startsWith("/openai/v1/responses");
            return answer(resolve(behaviour), stream, requestId, request.getBodyAsString(), responses).build();
        }

        @Override
        public String getName() {
            return "chaos-" + name;
        }

        private Behaviour resolve(Behaviour b) {
            while (true) {
                if (b instanceof Behaviour.Until u) {
                    b = Instant.now().isBefore(u.until()) ? u.during() : u.after();
                } else if (b instanceof Behaviour.Flapping f) {
                    b = f.failsNext() ? f.failure : Behaviour.healthy();
                } else {
                    return b;
                }
            }
        }

        private ResponseDefinitionBuilder answer(Behaviour b, boolean stream, String requestId, String body,
                boolean responses) {
            Instant now = Instant.now();
            if (b instanceof Behaviour.TokenQuota q) {
                Matcher m = MAX_TOKENS.matcher(body);
                long charge = AzureBodies.PROMPT_TOKENS + (m.find() ? Long.parseLong(m.group(1)) : 0);
                Behaviour.TokenQuota.Charge c = q.charge(charge, now);
                long resetMillis = Math.max(1, (c.untilReset().toNanos() + 999_999) / 1_000_000); // rounded up, as the window is
                ResponseDefinitionBuilder r;
                if (c.fits()) {
                    answers.add(new Answer(now, requestId, stream, Kind.COMPLETE, 200));
                    r = ok(stream, AzureBodies.STREAM_CHUNKS, true, responses);
                } else {
                    answers.add(new Answer(now, requestId, stream, Kind.THROTTLED, 429));
                    r = aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                            .withBody(AzureBodies.throttled((resetMillis + 999) / 1000))
                            .withHeader("retry-after-ms", Long.toString(resetMillis));
                }
                // Seconds with a fraction, rounded up to the millisecond, as Azure writes them.
                return r.withHeader("x-ratelimit-remaining-tokens", Long.toString(c.remaining()))
                        .withHeader("x-ratelimit-reset-tokens", String.format(java.util.Locale.ROOT, "%.3f", resetMillis / 1000.0));
            }
            if (b instanceof Behaviour.Healthy h) {
                answers.add(new Answer(now, requestId, stream, Kind.COMPLETE, 200));
                return delayed(ok(stream, AzureBodies.STREAM_CHUNKS, true, responses), h.delay());
            }
            if (b instanceof Behaviour.StreamCut c) {
                if (!stream) {
                    answers.add(new Answer(now, requestId, false, Kind.COMPLETE, 200));
                    return ok(false, 0, true, responses);
                }
                answers.add(new Answer(now, requestId, true, Kind.STREAM_CUT, 200));
                return ok(true, c.contentChunks(), false, responses);
            }
            if (b instanceof Behaviour.ErrorStatus e) {
                answers.add(new Answer(now, requestId, stream, Kind.ERROR_STATUS, e.status()));
                return aResponse().withStatus(e.status()).withHeader("Content-Type", "application/json")
                        .withHeader("apim-request-id", requestId).withBody(e.body());
            }
            if (b instanceof Behaviour.Throttled t) {
                answers.add(new Answer(now, requestId, stream, Kind.THROTTLED, 429));
                long seconds = Math.max(1, (t.retryAfter().toMillis() + 999) / 1000);
                ResponseDefinitionBuilder r = aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody(AzureBodies.throttled(seconds));
                return t.style() == Behaviour.RetryAfterStyle.MILLIS
                        ? r.withHeader("retry-after-ms", Long.toString(t.retryAfter().toMillis()))
                        : r.withHeader("Retry-After", Long.toString(seconds));
            }
            if (b instanceof Behaviour.Broken f) {
                answers.add(new Answer(now, requestId, stream, Kind.BROKEN, 0));
                return aResponse().withFault(f.fault());
            }
            throw new IllegalStateException("unresolved behaviour " + b);
        }

        private ResponseDefinitionBuilder ok(boolean stream, int chunks, boolean complete, boolean responses) {
            return stream
                    ? aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                            .withHeader("Cache-Control", "no-cache")
                            .withBody(responses ? AzureBodies.responsesStream(name, model, chunks, complete)
                                    : AzureBodies.stream(name, model, chunks, complete))
                    : aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody(responses ? AzureBodies.response(name, model) : AzureBodies.chatCompletion(name, model));
        }

        private ResponseDefinitionBuilder delayed(ResponseDefinitionBuilder r, Duration delay) {
            return delay.isZero() ? r : r.withFixedDelay((int) delay.toMillis());
        }
    }
}

package dev.llmrouter.app.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatEndpoint;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A deployment answered in-process, shaped like Azure OpenAI: the same JSON for chat and text
 * completions (embeddings: {@link SimulatedEmbeddings}) (ids, {@code created}, {@code choices}, {@code usage}, {@code prompt_filter_results} and
 * {@code content_filter_results}), and streams as the same sequence of chunks (the role chunk, one
 * content delta per token, the finish chunk, then the usage chunk with {@code choices: []}).
 *
 * <p>The answer echoes a short excerpt of the last user message, so a demo is readable and a test
 * can predict it. Token counts are plausible and consistent: prompt tokens are estimated from the
 * request's text (about four UTF-8 bytes per token, plus the chat format's per-message overhead, plus
 * a flat cost per image), and the answer is cut into word pieces, each one completion token and one
 * stream delta, so that {@code usage.completion_tokens} equals the number of content chunks (over
 * all {@code n} choices, each carrying the same answer). The
 * caller's output cap ({@link ChatCall#maxOutputTokens()}) is honoured: a longer answer is cut with
 * {@code finish_reason: length}.
 *
 * <p>Faults are drawn per call from the {@link SimulationProfile} with a seeded
 * {@link RandomGenerator}, so a run with the same seed fails the same way: 5xx become
 * {@link FailureKind#SERVER_ERROR}, 429 become {@link FailureKind#THROTTLED} with the profile's
 * retry-after, slow answers take {@code slowLatency} (and time out past the call's timeout, as an
 * attempt against a real deployment would). The stream is always followed by its usage chunk, as a
 * real deployment does for the Azure adapter, which always asks for it; the router forwards that
 * chunk only to callers that asked.
 *
 * <p>The Responses API is answered the same way, in its own shapes ({@link SimulatedResponses}): the
 * response object, and streamed its named events ending in {@code response.completed} with the usage.
 *
 * <p>Thread-safe: one instance serves one deployment for many concurrent calls.
 */
public final class SimulatedChatEndpoint implements ChatEndpoint {

    /** Flat prompt cost of one image (the low-detail rate of the GPT-4o family). */
    static final int TOKENS_PER_IMAGE = 85;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT_CHARS = 80;
    /** The most choices ({@code n}) one request may ask for, as Azure OpenAI allows. */
    private static final int MAX_CHOICES = 128;

    private final SimulationProfile profile;
    private final RandomGenerator random;
    private final InstantSource clock;
    private final Pacer pacer;
    private final MinuteQuota quota = new MinuteQuota();

    public SimulatedChatEndpoint(SimulationProfile profile, InstantSource clock, Pacer pacer) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.random = new SplittableRandom(profile.seed());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pacer = Objects.requireNonNull(pacer, "pacer");
    }

    /** A deployment with real latency and the system clock, as the gateway runs it. */
    public static SimulatedChatEndpoint real(SimulationProfile profile) {
        return new SimulatedChatEndpoint(profile, InstantSource.system(), Pacer.REAL);
    }

    public SimulationProfile profile() {
        return profile;
    }

    @Override
    public ChatReply complete(ChatCall call) {
        Draw draw = draw();
        arrive(call, draw);
        if (call.request().operation() == ChatOperation.EMBEDDINGS) {
            return embeddings(call);
        }
        Answer answer = answer(call);
        CapacityReport capacity = quota.take(answer.usage().totalTokens());
        ObjectNode body = switch (call.request().operation()) {
            case TEXT_COMPLETION -> textCompletion(call, answer, draw.id);
            case RESPONSES -> response(call, answer, draw.id, true);
            default -> chatCompletion(call, answer, draw.id);
        };
        return new ChatReply(bytes(body), answer.usage(), capacity);
    }

    private ChatReply embeddings(ChatCall call) {
        SimulatedEmbeddings.Answer answer = SimulatedEmbeddings.answer(JSON, readRequest(call.request().body()),
                call.candidate().model().id());
        if (answer == null) {
            String message = "This model does not support specifying dimensions outside 1 to "
                    + SimulatedEmbeddings.MAX_DIMENSIONS + ".";
            throw new EndpointException(new Failure(FailureKind.BAD_REQUEST, 400, "invalid_request_error", message,
                    Optional.empty(), errorBody("invalid_request_error", message)));
        }
        return new ChatReply(bytes(answer.body()), answer.usage(), quota.take(answer.usage().totalTokens()));
    }

    @Override
    public ChatStream openStream(ChatCall call) {
        Draw draw = draw();
        arrive(call, draw);
        Answer answer = answer(call);
        CapacityReport capacity = quota.take(answer.usage().totalTokens());
        return new SimulatedStream(chunks(call, answer, draw.id), answer,
                draw.cut ? Math.max(1, (answer.pieces.size() * answer.choices + 1) / 2) : -1, capacity);
    }

    // ---- faults ------------------------------------------------------------------------------

    /** One call's fate, drawn at once so that concurrent calls each take whole draws. */
    private record Draw(Fate fate, boolean serviceUnavailable, boolean cut, String id) {}

    private enum Fate { FAIL, THROTTLE, SLOW, NORMAL }

    private Draw draw() {
        synchronized (random) {
            double u = random.nextDouble();
            Fate fate = u < profile.failureRate() ? Fate.FAIL
                    : u < profile.failureRate() + profile.throttleRate() ? Fate.THROTTLE
                    : u < profile.failureRate() + profile.throttleRate() + profile.slowRate() ? Fate.SLOW
                    : Fate.NORMAL;
            boolean unavailable = random.nextBoolean();
            boolean cut = random.nextDouble() < profile.streamCutRate();
            String id = Long.toHexString(random.nextLong() & Long.MAX_VALUE) + Integer.toHexString(random.nextInt() & 0xfffffff);
            return new Draw(fate, unavailable, cut, id);
        }
    }

    /** Waits for the answer's first byte, or fails the way the drawn fate says. */
    private void arrive(ChatCall call, Draw draw) {
        Duration timeout = call.timeout();
        switch (draw.fate) {
            case FAIL -> {
                pacer.pause(min(profile.latency(), timeout));
                int status = draw.serviceUnavailable ? 503 : 500;
                String code = draw.serviceUnavailable ? "ServiceUnavailable" : "InternalServerError";
                String message = draw.serviceUnavailable
                        ? "The service is temporarily unable to process your request. Please try again later."
                        : "The server had an error while processing your request. Sorry about that!";
                throw new EndpointException(new Failure(FailureKind.SERVER_ERROR, status, code, message, Optional.empty(),
                        errorBody(code, message)));
            }
            case THROTTLE -> {
                long seconds = Math.max(1, (profile.retryAfter().toMillis() + 999) / 1000);
                String message = "Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded "
                        + "the token rate limit of your current pricing tier. Please retry after " + seconds + " seconds.";
                throw new EndpointException(new Failure(FailureKind.THROTTLED, 429, "429", message,
                        Optional.of(profile.retryAfter()), errorBody("429", message)), quota.report());
            }
            case SLOW -> {
                if (profile.slowLatency().compareTo(timeout) > 0) {
                    pacer.pause(timeout);
                    throw new EndpointException(Failure.transport(FailureKind.TIMEOUT,
                            "no answer within " + timeout.toMillis() + " ms"));
                }
                pacer.pause(profile.slowLatency());
            }
            case NORMAL -> pacer.pause(min(profile.latency(), timeout));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String errorBody(String code, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("code", code).put("message", message);
        return error.toString();
    }

    // ---- the answer --------------------------------------------------------------------------

    /**
     * The generated text, cut into one piece per completion token, the number of choices asked for
     * ({@code n}, each the same text), and the usage they make.
     */
    record Answer(List<String> pieces, boolean truncated, long promptTokens, int choices) {
        TokenUsage usage() {
            return new TokenUsage(promptTokens, (long) pieces.size() * choices);
        }

        String text() {
            return String.join("", pieces);
        }
    }

    private Answer answer(ChatCall call) {
        Deployment d = call.candidate().deployment();
        JsonNode request = readRequest(call.request().body());
        Prompt prompt = switch (call.request().operation()) {
            case TEXT_COMPLETION -> textPrompt(request);
            case RESPONSES -> new Prompt(SimulatedResponses.lastUserText(request),
                    3 + textTokens(SimulatedResponses.promptText(request)));
            default -> chatPrompt(request);
        };
        String said = excerpt(prompt.lastUserText);
        String reply = said.isEmpty()
                ? "Hello from the simulated " + call.candidate().model().id() + " deployment " + d.id() + " in " + d.region().name() + "."
                : "You said: \"" + said + "\". This is the simulated " + call.candidate().model().id()
                        + " deployment " + d.id() + " in " + d.region().name() + ".";
        List<String> pieces = pieces(reply);
        int cap = call.maxOutputTokens() > 0 ? call.maxOutputTokens()
                : call.request().maxOutputTokens() > 0 ? call.request().maxOutputTokens() : Integer.MAX_VALUE;
        boolean truncated = pieces.size() > cap;
        if (truncated) {
            pieces = pieces.subList(0, cap);
        }
        long images = call.request().imageCount();
        int choices = call.request().operation() == ChatOperation.RESPONSES ? 1
                : Math.max(1, Math.min(MAX_CHOICES, request.path("n").asInt(1)));
        return new Answer(List.copyOf(pieces), truncated, prompt.tokens + images * TOKENS_PER_IMAGE, choices);
    }

    private record Prompt(String lastUserText, long tokens) {}

    /** Chat format: 3 tokens of priming, 4 per message, plus the text (about 4 UTF-8 bytes per token). */
    private static Prompt chatPrompt(JsonNode request) {
        long tokens = 3;
        String lastUser = "";
        for (JsonNode message : request.path("messages")) {
            String text = contentText(message.path("content"));
            tokens += 4 + textTokens(text) + textTokens(message.path("role").asText(""));
            if ("user".equals(message.path("role").asText())) {
                lastUser = text;
            }
        }
        return new Prompt(lastUser, tokens);
    }

    private static Prompt textPrompt(JsonNode request) {
        JsonNode prompt = request.path("prompt");
        String text = prompt.isArray() ? (prompt.size() == 0 ? "" : prompt.get(prompt.size() - 1).asText("")) : prompt.asText("");
        return new Prompt(text, Math.max(1, textTokens(text)));
    }

    private static String contentText(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                text.append(text.length() == 0 ? "" : " ").append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    static long textTokens(String text) {
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        return (bytes + 3) / 4;
    }

    private static String excerpt(String text) {
        String flat = text.replaceAll("\\s+", " ").strip().replace("\"", "'");
        return flat.length() <= EXCERPT_CHARS ? flat : flat.substring(0, EXCERPT_CHARS).strip() + "...";
    }

    /** Words with their leading space: {@code "You", " said:", ...}; joined they give the text back. */
    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static JsonNode readRequest(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            // The gateway validated the JSON already; a deployment would answer 400 to garbage.
            String message = "We could not parse the JSON body of your request.";
            throw new EndpointException(new Failure(FailureKind.BAD_REQUEST, 400, "invalid_request_error", message,
                    Optional.empty(), errorBody("invalid_request_error", message)));
        }
    }

    // ---- JSON shapes -------------------------------------------------------------------------

    private ObjectNode envelope(String idPrefix, String object, ChatCall call, String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", idPrefix + id);
        n.put("object", object);
        n.put("created", clock.instant().getEpochSecond());
        n.put("model", call.candidate().model().id());
        n.put("system_fingerprint", "fp_simulated");
        return n;
    }

    private ObjectNode chatCompletion(ChatCall call, Answer answer, String id) {
        ObjectNode n = envelope("chatcmpl-", "chat.completion", call, id);
        n.set("prompt_filter_results", promptFilterResults());
        ArrayNode choices = n.putArray("choices");
        for (int i = 0; i < answer.choices; i++) {
            ObjectNode choice = choices.addObject();
            choice.set("content_filter_results", filterResults());
            choice.put("finish_reason", answer.truncated ? "length" : "stop");
            choice.put("index", i);
            choice.putNull("logprobs");
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", answer.text());
            message.putNull("refusal");
        }
        n.set("usage", usage(answer.usage()));
        return n;
    }

    private ObjectNode textCompletion(ChatCall call, Answer answer, String id) {
        ObjectNode n = envelope("cmpl-", "text_completion", call, id);
        n.set("prompt_filter_results", promptFilterResults());
        ArrayNode choices = n.putArray("choices");
        for (int i = 0; i < answer.choices; i++) {
            ObjectNode choice = choices.addObject();
            choice.put("text", answer.text());
            choice.put("index", i);
            choice.put("finish_reason", answer.truncated ? "length" : "stop");
            choice.putNull("logprobs");
            choice.set("content_filter_results", filterResults());
        }
        n.set("usage", usage(answer.usage()));
        return n;
    }

    private ObjectNode response(ChatCall call, Answer answer, String id, boolean done) {
        return SimulatedResponses.response(JSON, id, call.candidate().model().id(), clock.instant().getEpochSecond(),
                readRequest(call.request().body()), answer.text(), answer.truncated, answer.usage(), done);
    }

    private List<StreamChunk> chunks(ChatCall call, Answer answer, String id) {
        if (call.request().operation() == ChatOperation.RESPONSES) {
            List<StreamChunk> out = new ArrayList<>();
            for (SimulatedResponses.Event e : SimulatedResponses.events(JSON, id, answer.pieces,
                    done -> response(call, answer, id, done))) {
                boolean last = e.type().equals("response.completed") || e.type().equals("response.incomplete");
                out.add(new StreamChunk(bytes(e.data()), e.content(),
                        last ? Optional.of(answer.usage()) : Optional.empty(), e.type()));
            }
            return out;
        }
        boolean text = call.request().operation() == ChatOperation.TEXT_COMPLETION;
        String prefix = text ? "cmpl-" : "chatcmpl-";
        String object = text ? "text_completion" : "chat.completion.chunk";
        List<StreamChunk> out = new ArrayList<>();
        // Each choice in turn: its role chunk (chat), its content deltas, its finish chunk.
        for (int index = 0; index < answer.choices; index++) {
            if (!text) {
                ObjectNode role = envelope(prefix, object, call, id);
                ObjectNode c = role.putArray("choices").addObject();
                c.putObject("delta").put("role", "assistant").put("content", "");
                c.putNull("finish_reason");
                c.put("index", index);
                c.putNull("logprobs");
                out.add(new StreamChunk(bytes(role), false, Optional.empty()));
            }
            for (String piece : answer.pieces) {
                ObjectNode chunk = envelope(prefix, object, call, id);
                ObjectNode c = chunk.putArray("choices").addObject();
                if (text) {
                    c.put("text", piece);
                } else {
                    c.putObject("delta").put("content", piece);
                }
                c.set("content_filter_results", filterResults());
                c.putNull("finish_reason");
                c.put("index", index);
                c.putNull("logprobs");
                out.add(new StreamChunk(bytes(chunk), true, Optional.empty()));
            }
            ObjectNode finish = envelope(prefix, object, call, id);
            ObjectNode c = finish.putArray("choices").addObject();
            if (text) {
                c.put("text", "");
            } else {
                c.putObject("delta");
            }
            c.put("finish_reason", answer.truncated ? "length" : "stop");
            c.put("index", index);
            c.putNull("logprobs");
            out.add(new StreamChunk(bytes(finish), false, Optional.empty()));
        }
        ObjectNode usage = envelope(prefix, object, call, id);
        usage.putArray("choices");
        usage.set("usage", usage(answer.usage()));
        out.add(new StreamChunk(bytes(usage), false, Optional.of(answer.usage())));
        return out;
    }

    private static ObjectNode usage(TokenUsage usage) {
        ObjectNode u = JSON.createObjectNode();
        u.put("prompt_tokens", usage.inputTokens());
        u.put("completion_tokens", usage.outputTokens());
        u.put("total_tokens", usage.totalTokens());
        return u;
    }

    private static ArrayNode promptFilterResults() {
        ArrayNode results = JSON.createArrayNode();
        ObjectNode r = results.addObject();
        r.put("prompt_index", 0);
        r.set("content_filter_results", filterResults());
        return results;
    }

    private static ObjectNode filterResults() {
        ObjectNode r = JSON.createObjectNode();
        for (String category : new String[] {"hate", "self_harm", "sexual", "violence"}) {
            r.putObject(category).put("filtered", false).put("severity", "safe");
        }
        return r;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    // ---- quota ----------------------------------------------------------------------------------

    /**
     * The simulated per-minute quota ({@code tokens-per-minute}, {@code requests-per-minute}), in
     * windows of the clock's minutes as Azure's are: every answer reports what is left and when it
     * resets, and a call the rest of the minute cannot hold is a 429 that says so.
     */
    private final class MinuteQuota {
        private long minute = Long.MIN_VALUE;
        private long tokens;
        private long requests;

        /** Takes one request of {@code total} tokens; the report after it, or a 429 when it does not fit. */
        synchronized CapacityReport take(long total) {
            if (profile.tokensPerMinute() == 0 && profile.requestsPerMinute() == 0) {
                return CapacityReport.NONE;
            }
            roll();
            boolean tokensOut = profile.tokensPerMinute() > 0 && tokens + total > profile.tokensPerMinute();
            boolean requestsOut = profile.requestsPerMinute() > 0 && requests + 1 > profile.requestsPerMinute();
            if (tokensOut || requestsOut) {
                Duration wait = untilNextMinute();
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                String message = "Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded "
                        + (tokensOut ? "the token rate limit" : "the call rate limit")
                        + " of your current pricing tier. Please retry after " + seconds + " seconds.";
                throw new EndpointException(new Failure(FailureKind.THROTTLED, 429, "429", message,
                        Optional.of(Duration.ofSeconds(seconds)), errorBody("429", message)), reportNow());
            }
            tokens += total;
            requests++;
            return reportNow();
        }

        synchronized CapacityReport report() {
            if (profile.tokensPerMinute() == 0 && profile.requestsPerMinute() == 0) {
                return CapacityReport.NONE;
            }
            roll();
            return reportNow();
        }

        private CapacityReport reportNow() {
            Duration reset = untilNextMinute();
            return new CapacityReport(
                    profile.tokensPerMinute() == 0 ? CapacityReport.UNKNOWN : Math.max(0, profile.tokensPerMinute() - tokens),
                    profile.requestsPerMinute() == 0 ? CapacityReport.UNKNOWN : Math.max(0, profile.requestsPerMinute() - requests),
                    reset, reset);
        }

        private void roll() {
            long now = clock.millis() / 60_000;
            if (now != minute) {
                minute = now;
                tokens = 0;
                requests = 0;
            }
        }

        private Duration untilNextMinute() {
            long ms = clock.millis();
            return Duration.ofMillis(60_000 - ms % 60_000);
        }
    }

    // ---- the stream --------------------------------------------------------------------------

    /** Hands out prepared chunks with the profile's small delay between content chunks. */
    private final class SimulatedStream implements ChatStream {
        private final List<StreamChunk> chunks;
        private final Answer answer;
        private final int cutAfterContent;
        private int next;
        private int contentSent;
        private boolean usageSeen;
        private volatile boolean closed;
        private final CapacityReport capacity;

        SimulatedStream(List<StreamChunk> chunks, Answer answer, int cutAfterContent, CapacityReport capacity) {
            this.capacity = capacity;
            this.chunks = chunks;
            this.answer = answer;
            this.cutAfterContent = cutAfterContent;
        }

        @Override
        public CapacityReport capacity() {
            return capacity;
        }

        @Override
        public Optional<StreamChunk> next() {
            if (closed || next >= chunks.size()) {
                return Optional.empty();
            }
            StreamChunk chunk = chunks.get(next);
            if (chunk.hasContent()) {
                if (contentSent == cutAfterContent) {
                    closed = true;
                    throw new EndpointException(Failure.transport(FailureKind.CONNECTION_RESET,
                            "the simulated deployment cut the stream"));
                }
                if (contentSent > 0) {
                    pacer.pause(profile.chunkDelay());
                }
                contentSent++;
            }
            next++;
            usageSeen |= chunk.usage().isPresent();
            return Optional.of(chunk);
        }

        @Override
        public TokenUsage usage() {
            return usageSeen ? answer.usage() : new TokenUsage(answer.promptTokens, contentSent);
        }

        @Override
        public boolean usageReported() {
            return usageSeen;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}

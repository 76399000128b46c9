package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpResponse;
import dev.llmrouter.adapters.azure.FailureClassifier.MalformedStreamException;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * A deployment's Server-Sent Events, handed on one {@code data:} payload at a time (Requirement 2.3).
 *
 * <p>Flow control: the subscriber to the response body requests one network buffer at a time, and
 * only when the reader has used up the previous one, so at most one buffer is held beyond the event
 * being returned; nothing waits for the end of the stream.
 *
 * <p>Parsing follows the SSE rules the service uses: {@code data:} lines accumulate, a blank line
 * ends an event, comment lines ({@code :...}) and other fields are skipped, {@code [DONE]} ends the
 * stream. A body that ends (or breaks) before {@code [DONE]} is a cut stream: {@link #next()} throws
 * and {@link #usage()} still reports what was received.
 *
 * <p>Usage: the final usage chunk's figures when it arrived; otherwise the estimated prompt tokens
 * plus the completion tokens counted with the model's tokenizer over the content received
 * (Requirement 2.6).
 */
final class SseChatStream implements ChatStream {

    private static final Object COMPLETE = new Object();
    private static final Object CLOSED = new Object();

    private final Duration idleTimeout;
    private final FailureClassifier classifier;
    private final TokenEncoding encoding;
    private final LongSupplier promptTokens;
    private final LinkedBlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final BodySubscriber subscriber = new BodySubscriber();
    private final AtomicBoolean closed = new AtomicBoolean();

    private final SseParser parser = new SseParser();
    private final StringBuilder content = new StringBuilder();
    private boolean upstreamComplete;
    private volatile boolean done;
    private EndpointException failure;
    private TokenUsage reported;
    private long estimatedPrompt = -1;
    private int countedLength = -1;
    private long countedTokens;

    SseChatStream(HttpResponse response, Duration idleTimeout, FailureClassifier classifier, TokenEncoding encoding,
            LongSupplier promptTokens) {
        this.idleTimeout = idleTimeout;
        this.classifier = classifier;
        this.encoding = encoding;
        this.promptTokens = promptTokens;
        response.getBody().subscribe(subscriber);
    }

    @Override
    public Optional<StreamChunk> next() {
        if (failure != null) {
            throw failure;
        }
        if (done) {
            return Optional.empty();
        }
        try {
            while (true) {
                byte[] data = parser.nextEvent();
                if (data != null) {
                    if (isDone(data)) {
                        done = true;
                        // The body ends right after [DONE]: read its last bytes so the connection
                        // goes back to the pool instead of being cut.
                        subscriber.drain();
                        return Optional.empty();
                    }
                    return Optional.of(chunk(data));
                }
                if (upstreamComplete) {
                    throw new EndpointException(Failure.transport(FailureKind.CONNECTION_RESET,
                            "stream ended before data: [DONE]"));
                }
                Object signal = signals.poll(idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
                if (signal == null) {
                    throw new EndpointException(Failure.transport(FailureKind.TIMEOUT,
                            "no stream data within " + idleTimeout.toMillis() + " ms"));
                } else if (signal instanceof byte[] bytes) {
                    parser.feed(bytes);
                    subscriber.requestOne();
                } else if (signal == COMPLETE) {
                    upstreamComplete = true;
                    parser.finish();
                } else if (signal == CLOSED) {
                    throw new EndpointException(Failure.transport(FailureKind.CONNECTION_RESET, "stream closed"));
                } else if (signal instanceof Throwable t) {
                    throw new EndpointException(classifier.ofThrowable(t), t);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new EndpointException(Failure.transport(FailureKind.CONNECTION_RESET, "interrupted"));
        } catch (EndpointException e) {
            failure = e;
        } catch (MalformedStreamException e) {
            failure = new EndpointException(Failure.transport(FailureKind.MALFORMED_RESPONSE, e.getMessage()));
        }
        closeUpstream();
        throw failure;
    }

    private static boolean isDone(byte[] data) {
        return new String(data, StandardCharsets.UTF_8).strip().equals("[DONE]");
    }

    private StreamChunk chunk(byte[] data) {
        Map<String, Object> root;
        try {
            root = Json.object(Json.parse(data));
        } catch (IllegalArgumentException e) {
            throw new MalformedStreamException("stream chunk is not JSON: " + e.getMessage());
        }
        if (root.isEmpty()) {
            throw new MalformedStreamException("stream chunk is not a JSON object");
        }
        boolean hasContent = false;
        for (Object choice : Json.array(root.get("choices"))) {
            Map<String, Object> ch = Json.object(choice);
            hasContent |= append(Json.string(ch.get("text")));
            Map<String, Object> delta = Json.object(ch.get("delta"));
            hasContent |= append(Json.string(delta.get("content")));
            hasContent |= append(Json.string(delta.get("refusal")));
            for (Object call : Json.array(delta.get("tool_calls"))) {
                Map<String, Object> function = Json.object(Json.object(call).get("function"));
                hasContent |= append(Json.string(function.get("name")));
                hasContent |= append(Json.string(function.get("arguments")));
                hasContent = true; // a tool-call delta is content even when it only opens the call
            }
            Map<String, Object> functionCall = Json.object(delta.get("function_call"));
            if (!functionCall.isEmpty()) {
                append(Json.string(functionCall.get("name")));
                append(Json.string(functionCall.get("arguments")));
                hasContent = true;
            }
        }
        Optional<TokenUsage> usage = Json.usage(root);
        usage.ifPresent(u -> reported = u);
        return new StreamChunk(data, hasContent, usage);
    }

    private boolean append(String text) {
        if (text.isEmpty()) {
            return false;
        }
        content.append(text);
        return true;
    }

    @Override
    public TokenUsage usage() {
        if (reported != null) {
            return reported;
        }
        if (estimatedPrompt < 0) {
            estimatedPrompt = promptTokens.getAsLong();
        }
        if (countedLength != content.length()) {
            countedTokens = Tokenizers.count(encoding, content.toString());
            countedLength = content.length();
        }
        return new TokenUsage(estimatedPrompt, countedTokens);
    }

    @Override
    public boolean usageReported() {
        return reported != null;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeUpstream();
            signals.offer(CLOSED);
        }
    }

    /**
     * Cancels the body subscription: the transport then aborts the exchange. (The response itself
     * is not closed: closing it would subscribe to the body a second time to drain it.)
     */
    private void closeUpstream() {
        if (!done && !upstreamComplete) {
            subscriber.dispose();
        }
    }

    /** Hands each network buffer to the reader; asks for the next only when the reader wants it. */
    private final class BodySubscriber extends BaseSubscriber<ByteBuffer> {

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(ByteBuffer buffer) {
            if (done) {
                return; // after [DONE]: only draining
            }
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy); // the transport may reuse its buffer once this returns
            signals.offer(copy);
        }

        @Override
        protected void hookOnComplete() {
            signals.offer(COMPLETE);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            signals.offer(throwable);
        }

        void requestOne() {
            request(1);
        }

        void drain() {
            request(Long.MAX_VALUE);
        }
    }

    /** Incremental SSE framing over raw bytes: returns each event's data once its blank line arrived. */
    static final class SseParser {
        private byte[] buffer = new byte[4096];
        private int start;
        private int end;
        private final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        private boolean hasData;
        private boolean finished;
        private final java.util.ArrayDeque<byte[]> ready = new java.util.ArrayDeque<>();

        void feed(byte[] bytes) {
            if (end + bytes.length > buffer.length) {
                int live = end - start;
                byte[] next = live + bytes.length > buffer.length
                        ? new byte[Math.max(buffer.length * 2, live + bytes.length)] : buffer;
                System.arraycopy(buffer, start, next, 0, live);
                buffer = next;
                start = 0;
                end = live;
            }
            System.arraycopy(bytes, 0, buffer, end, bytes.length);
            end += bytes.length;
        }

        /** The body ended: a last line without its newline still counts, and pending data is an event. */
        void finish() {
            finished = true;
        }

        byte[] nextEvent() {
            while (ready.isEmpty()) {
                int nl = -1;
                for (int i = start; i < end; i++) {
                    if (buffer[i] == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl < 0) {
                    if (!finished) {
                        return null;
                    }
                    if (start < end) {
                        line(start, end);
                        start = end;
                    }
                    if (hasData) {
                        dispatch();
                    }
                    return ready.poll();
                }
                int lineEnd = nl > start && buffer[nl - 1] == '\r' ? nl - 1 : nl;
                line(start, lineEnd);
                start = nl + 1;
            }
            return ready.poll();
        }

        private void line(int from, int to) {
            if (from == to) {
                if (hasData) {
                    dispatch();
                }
                return;
            }
            if (buffer[from] == ':') {
                return; // comment (keep-alive)
            }
            int colon = -1;
            for (int i = from; i < to; i++) {
                if (buffer[i] == ':') {
                    colon = i;
                    break;
                }
            }
            String field = new String(buffer, from, (colon < 0 ? to : colon) - from, StandardCharsets.UTF_8);
            if (!field.equals("data")) {
                if (field.equals("event") || field.equals("id") || field.equals("retry")) {
                    return;
                }
                throw new MalformedStreamException("not a server-sent event line: "
                        + new String(buffer, from, Math.min(to - from, 80), StandardCharsets.UTF_8));
            }
            int valueStart = colon < 0 ? to : colon + 1;
            if (valueStart < to && buffer[valueStart] == ' ') {
                valueStart++;
            }
            if (hasData) {
                data.write('\n');
            }
            data.write(buffer, valueStart, to - valueStart);
            hasData = true;
        }

        private void dispatch() {
            ready.add(data.toByteArray());
            data.reset();
            hasData = false;
        }

        List<byte[]> drainForTest() {
            List<byte[]> out = new java.util.ArrayList<>();
            byte[] e;
            while ((e = nextEvent()) != null) {
                out.add(e);
            }
            return out;
        }
    }
}

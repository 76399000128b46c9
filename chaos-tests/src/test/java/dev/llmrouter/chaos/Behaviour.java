package dev.llmrouter.chaos;

import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * How a {@link FakeDeployment} answers, switchable while the gateway runs. Each case is one fault (or
 * health) of a real Azure OpenAI deployment.
 */
sealed interface Behaviour {

    /** Answers 200 with a full completion (or a complete stream), after {@code delay}. */
    record Healthy(Duration delay) implements Behaviour {}

    /** Answers {@code status} with an Azure error body. */
    record ErrorStatus(int status, String body) implements Behaviour {}

    /** Answers 429 asking the caller to wait {@code retryAfter}, in the header style given. */
    record Throttled(Duration retryAfter, RetryAfterStyle style) implements Behaviour {}

    /** Breaks the connection in one of WireMock's ways (reset, empty response, bad chunk, garbage then close). */
    record Broken(Fault fault) implements Behaviour {}

    /**
     * A stream that stops after {@code contentChunks} content chunks, without usage chunk or
     * {@code [DONE]} (non-streaming requests get a healthy answer). With 0 chunks it fails before its
     * first token, where the router may still fall back.
     */
    record StreamCut(int contentChunks) implements Behaviour {}

    /**
     * Each call fails with {@code failure} with probability {@code rate}, else succeeds; the draws come
     * from a seeded generator, so a run's sequence of decisions (in arrival order) is reproducible.
     */
    final class Flapping implements Behaviour {
        final double rate;
        final Behaviour failure;
        private final SplittableRandom random;

        Flapping(double rate, long seed, Behaviour failure) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("rate must be 0..1");
            }
            this.rate = rate;
            this.failure = failure;
            this.random = new SplittableRandom(seed);
        }

        synchronized boolean failsNext() {
            return random.nextDouble() < rate;
        }

        @Override
        public String toString() {
            return "Flapping[" + rate + ", " + failure + "]";
        }
    }

    /**
     * Azure's tokens-per-minute quota, in small: {@code tokensPerWindow} tokens per window of
     * {@code window}, each request charged as Azure charges it on arrival (its prompt tokens plus its
     * {@code max_tokens}). A request that fits is answered 200 and the answer reports what is left
     * ({@code x-ratelimit-remaining-tokens}, {@code x-ratelimit-reset-tokens}); one that does not is
     * answered 429 with the same headers and a {@code retry-after-ms} to the window's end.
     */
    final class TokenQuota implements Behaviour {
        final long tokensPerWindow;
        final Duration window;
        private Instant windowEnd;
        private long remaining;

        TokenQuota(long tokensPerWindow, Duration window) {
            this.tokensPerWindow = tokensPerWindow;
            this.window = window;
        }

        /**
         * Charges {@code tokens} at {@code now}, when they fit.
         *
         * @return what is left after the charge and how long until the window resets; {@code fits} false
         *         (and nothing charged) when they did not fit
         */
        synchronized Charge charge(long tokens, Instant now) {
            if (windowEnd == null || !now.isBefore(windowEnd)) {
                windowEnd = now.plus(window);
                remaining = tokensPerWindow;
            }
            boolean fits = tokens <= remaining;
            if (fits) {
                remaining -= tokens;
            }
            return new Charge(fits, remaining, Duration.between(now, windowEnd));
        }

        record Charge(boolean fits, long remaining, Duration untilReset) {}

        @Override
        public String toString() {
            return "TokenQuota[" + tokensPerWindow + " per " + window + "]";
        }
    }

    /** {@code during} until {@code until}, then {@code after}: "503 for a while". */
    record Until(Instant until, Behaviour during, Behaviour after) implements Behaviour {}

    enum RetryAfterStyle {
        /** {@code Retry-After: <whole seconds>} (HTTP). */
        SECONDS,
        /** {@code retry-after-ms: <millis>} (Azure OpenAI). */
        MILLIS
    }

    static Behaviour healthy() {
        return new Healthy(Duration.ZERO);
    }

    static Behaviour unavailable() {
        return new ErrorStatus(503, AzureBodies.serviceUnavailable());
    }
}

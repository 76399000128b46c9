package dev.llmrouter.domain.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Both dimensions of an account's rolling minute at the moment of a decision: what the HTTP layer
 * reports in the OpenAI-compatible {@code x-ratelimit-*} response headers.
 */
public record RateLimitStatus(WindowStatus requests, WindowStatus tokens) {

    public static final RateLimitStatus UNLIMITED = new RateLimitStatus(WindowStatus.UNLIMITED, WindowStatus.UNLIMITED);

    public RateLimitStatus {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(tokens, "tokens");
    }

    /**
     * The {@code x-ratelimit-*} headers, in a stable order. An unlimited dimension has no headers.
     * Resets are written the way OpenAI writes them: whole milliseconds below one second
     * ({@code "250ms"}), else seconds with up to three decimals ({@code "1.5s"}, {@code "60s"}),
     * rounded up so that a client never retries early.
     */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>(8);
        put(headers, "requests", requests);
        put(headers, "tokens", tokens);
        return headers;
    }

    private static void put(Map<String, String> headers, String dimension, WindowStatus status) {
        if (status.isUnlimited()) {
            return;
        }
        headers.put("x-ratelimit-limit-" + dimension, Long.toString(status.limit()));
        headers.put("x-ratelimit-remaining-" + dimension, Long.toString(status.remaining()));
        headers.put("x-ratelimit-reset-" + dimension, formatReset(status.reset()));
    }

    /** {@code 0ms}, {@code 250ms}, {@code 1.5s}, {@code 60s}: milliseconds rounded up. */
    public static String formatReset(Duration reset) {
        long millis = ceilMillis(reset);
        if (millis < 1_000) {
            return millis + "ms";
        }
        String seconds = java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
        return seconds + "s";
    }

    static long ceilMillis(Duration duration) {
        long nanos = duration.toNanos();
        return nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1);
    }
}

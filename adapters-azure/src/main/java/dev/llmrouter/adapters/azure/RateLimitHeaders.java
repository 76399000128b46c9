package dev.llmrouter.adapters.azure;

import com.azure.core.http.HttpHeaders;
import dev.llmrouter.domain.balance.CapacityReport;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what Azure OpenAI says of a deployment's remaining quota on each answer, a 429 included:
 * {@code x-ratelimit-remaining-tokens}, {@code x-ratelimit-remaining-requests} and their resets
 * ({@code x-ratelimit-reset-tokens}, {@code -requests}: seconds, or OpenAI's {@code 1m30s}/{@code 250ms}
 * form). A header that is absent or unreadable is unknown; a missing reset is Azure's one-minute window.
 */
final class RateLimitHeaders {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    private RateLimitHeaders() {}

    static CapacityReport capacity(HttpHeaders headers) {
        if (headers == null) {
            return CapacityReport.NONE;
        }
        long tokens = count(headers.getValue("x-ratelimit-remaining-tokens"));
        long requests = count(headers.getValue("x-ratelimit-remaining-requests"));
        if (tokens == CapacityReport.UNKNOWN && requests == CapacityReport.UNKNOWN) {
            return CapacityReport.NONE;
        }
        return new CapacityReport(tokens, requests, reset(headers.getValue("x-ratelimit-reset-tokens")),
                reset(headers.getValue("x-ratelimit-reset-requests")));
    }

    private static long count(String value) {
        if (value == null) {
            return CapacityReport.UNKNOWN;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return CapacityReport.UNKNOWN;
        }
    }

    static Duration reset(String value) {
        if (value == null || value.isBlank()) {
            return CapacityReport.DEFAULT_RESET;
        }
        String v = value.trim();
        try {
            // Rounded up to the millisecond, exactly: a reset read early would let a request reach the
            // deployment while its window still refuses it.
            return Duration.ofMillis(new BigDecimal(v).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact());
        } catch (NumberFormatException | ArithmeticException notSeconds) {
            Matcher m = PART.matcher(v);
            long millis = 0;
            int end = 0;
            while (m.find() && m.start() == end) {
                double n = Double.parseDouble(m.group(1));
                millis += (long) (n * switch (m.group(2)) {
                    case "ms" -> 1;
                    case "s" -> 1_000;
                    case "m" -> 60_000;
                    default -> 3_600_000;
                });
                end = m.end();
            }
            return end == v.length() && end > 0 ? Duration.ofMillis(millis) : CapacityReport.DEFAULT_RESET;
        }
    }
}

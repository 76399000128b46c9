package dev.llmrouter.domain.balance;

import java.time.Duration;
import java.util.Objects;

/**
 * What a deployment said of its own remaining quota on one answer: Azure's
 * {@code x-ratelimit-remaining-tokens} / {@code x-ratelimit-remaining-requests} and their resets
 * ({@code x-ratelimit-reset-tokens} / {@code -requests}, seconds). A value the answer did not carry is
 * {@link #UNKNOWN}; a missing reset is taken as one minute, Azure's quota window.
 *
 * @param remainingTokens   tokens left in the deployment's current window, or {@link #UNKNOWN}
 * @param remainingRequests requests left in it, or {@link #UNKNOWN}
 * @param tokensReset       how long until the tokens are replenished
 * @param requestsReset     how long until the requests are replenished
 */
public record CapacityReport(long remainingTokens, long remainingRequests, Duration tokensReset, Duration requestsReset) {

    public static final long UNKNOWN = -1;
    /** An answer that said nothing of its remaining quota. */
    public static final CapacityReport NONE = new CapacityReport(-1, -1, Duration.ofMinutes(1), Duration.ofMinutes(1));
    /** Azure's rate-limit window: a remaining count without its reset is trusted this long. */
    public static final Duration DEFAULT_RESET = Duration.ofMinutes(1);

    public CapacityReport {
        Objects.requireNonNull(tokensReset, "tokensReset");
        Objects.requireNonNull(requestsReset, "requestsReset");
        remainingTokens = remainingTokens < 0 ? UNKNOWN : remainingTokens;
        remainingRequests = remainingRequests < 0 ? UNKNOWN : remainingRequests;
    }

    /** True when the answer carried neither count. */
    public boolean isEmpty() {
        return remainingTokens == UNKNOWN && remainingRequests == UNKNOWN;
    }
}

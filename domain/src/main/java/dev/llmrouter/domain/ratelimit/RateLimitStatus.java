package dev.llmrouter.domain.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An account's rolling-minute position after one decision, in both dimensions: what the
 * {@code x-ratelimit-*} headers report and what a 429 names as the limit to wait for. A limit of 0
 * means that dimension is unlimited (its remaining and reset are then 0).
 *
 * <p>Flat rather than two {@link WindowStatus} values, so that the admission path, which reports a
 * position for every request, builds this one object and its two resets; {@link #requests()} and
 * {@link #tokens()} give each dimension as a {@link WindowStatus} for the limiter's arithmetic.
 *
 * @param refusedBy the limit that refused the request (requests or tokens per minute); empty when it
 *                  was admitted
 */
public record RateLimitStatus(
        long limitRequests,
        long remainingRequests,
        Duration resetRequests,
        long limitTokens,
        long remainingTokens,
        Duration resetTokens,
        Optional<RateDimension> refusedBy) {

    public static final RateLimitStatus UNLIMITED = new RateLimitStatus(0, 0, Duration.ZERO, 0, 0, Duration.ZERO);

    public RateLimitStatus {
        Objects.requireNonNull(resetRequests, "resetRequests");
        Objects.requireNonNull(resetTokens, "resetTokens");
        refusedBy = refusedBy == null ? Optional.empty() : refusedBy;
        if (limitRequests < 0 || remainingRequests < 0 || resetRequests.isNegative()
                || limitTokens < 0 || remainingTokens < 0 || resetTokens.isNegative()) {
            throw new IllegalArgumentException("rate-limit status cannot be negative: requests " + limitRequests + "/"
                    + remainingRequests + "/" + resetRequests + ", tokens " + limitTokens + "/" + remainingTokens + "/"
                    + resetTokens);
        }
    }

    /** The position of an admitted request. */
    public RateLimitStatus(long limitRequests, long remainingRequests, Duration resetRequests,
            long limitTokens, long remainingTokens, Duration resetTokens) {
        this(limitRequests, remainingRequests, resetRequests, limitTokens, remainingTokens, resetTokens, Optional.empty());
    }

    /** The position of an admitted request, from each dimension's window. */
    public RateLimitStatus(WindowStatus requests, WindowStatus tokens) {
        this(Objects.requireNonNull(requests, "requests").limit(), requests.remaining(), requests.reset(),
                Objects.requireNonNull(tokens, "tokens").limit(), tokens.remaining(), tokens.reset());
    }

    /** The requests-per-minute dimension. */
    public WindowStatus requests() {
        return new WindowStatus(limitRequests, remainingRequests, resetRequests);
    }

    /** The tokens-per-minute dimension. */
    public WindowStatus tokens() {
        return new WindowStatus(limitTokens, remainingTokens, resetTokens);
    }

    /** This position, for a request the {@code dimension}'s limit refused. */
    public RateLimitStatus refusedBy(RateDimension dimension) {
        return new RateLimitStatus(limitRequests, remainingRequests, resetRequests, limitTokens, remainingTokens,
                resetTokens, Optional.of(Objects.requireNonNull(dimension, "dimension")));
    }

    /** Milliseconds, rounded up (never early). */
    static long ceilMillis(Duration duration) {
        long nanos = duration.toNanos();
        return nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1);
    }
}

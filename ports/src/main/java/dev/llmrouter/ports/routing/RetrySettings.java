package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.failure.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How hard one request is tried, and for how long (Requirements 1.4, 1.5). The one set of retry
 * settings: the router runs on it and the gateway's configuration ({@code retry:}) is read into it.
 *
 * @param sameDeploymentRetries how many more times one deployment is called after a failure whose kind
 *                              is {@code retryableSameDeployment()} (transient faults); default 1
 *                              (configured as {@code attempts-per-deployment}, one more than this)
 * @param backoffMin            the delay before the first same-deployment retry; doubles per retry;
 *                              {@link Duration#ZERO} disables waiting (tests); default 100 ms
 * @param backoffMax            the cap of that delay; default 1 s
 * @param jitter                the random spread of each delay, as a fraction of it (0..1); default 0.25
 * @param requestDeadline       the whole request's budget, from admission: no attempt starts after it;
 *                              default 30 s
 * @param attemptTimeout        the most one attempt may take (to the first byte for streams), further
 *                              capped by what is left of the deadline; default 20 s
 * @param firstTokenTimeout     the most a stream may wait for its first chunk, applied by the endpoint
 *                              below the router when shorter than the attempt's timeout; default 20 s
 */
public record RetrySettings(
        int sameDeploymentRetries,
        Duration backoffMin,
        Duration backoffMax,
        double jitter,
        Duration requestDeadline,
        Duration attemptTimeout,
        Duration firstTokenTimeout) {

    public RetrySettings {
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(requestDeadline, "requestDeadline");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(firstTokenTimeout, "firstTokenTimeout");
        if (sameDeploymentRetries < 0) {
            throw new IllegalArgumentException("sameDeploymentRetries cannot be negative: " + sameDeploymentRetries);
        }
        new Backoff(backoffMin, backoffMax, jitter); // checks the bounds once, where they are defined
        if (!isPositive(requestDeadline) || !isPositive(attemptTimeout) || !isPositive(firstTokenTimeout)) {
            throw new IllegalArgumentException("deadline and timeouts must be positive");
        }
    }

    private static boolean isPositive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    /** 1 same-deployment retry, backoff 100 ms..1 s with 25 % jitter, 30 s per request, 20 s per attempt and to a first token. */
    public static RetrySettings defaults() {
        return new RetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(1), 0.25,
                Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(20));
    }

    /** The same-deployment backoff schedule. */
    public Backoff backoff() {
        return new Backoff(backoffMin, backoffMax, jitter);
    }

    /** As configured, but never waiting between retries (for tests on a fake clock). */
    public RetrySettings withoutBackoff() {
        return withBackoff(Duration.ZERO, Duration.ZERO).withJitter(0);
    }

    public RetrySettings withSameDeploymentRetries(int retries) {
        return new RetrySettings(retries, backoffMin, backoffMax, jitter, requestDeadline, attemptTimeout, firstTokenTimeout);
    }

    public RetrySettings withBackoff(Duration min, Duration max) {
        return new RetrySettings(sameDeploymentRetries, min, max, jitter, requestDeadline, attemptTimeout, firstTokenTimeout);
    }

    public RetrySettings withJitter(double fraction) {
        return new RetrySettings(sameDeploymentRetries, backoffMin, backoffMax, fraction, requestDeadline, attemptTimeout,
                firstTokenTimeout);
    }

    public RetrySettings withRequestDeadline(Duration deadline) {
        return new RetrySettings(sameDeploymentRetries, backoffMin, backoffMax, jitter, deadline, attemptTimeout,
                firstTokenTimeout);
    }

    public RetrySettings withAttemptTimeout(Duration timeout) {
        return new RetrySettings(sameDeploymentRetries, backoffMin, backoffMax, jitter, requestDeadline, timeout,
                firstTokenTimeout);
    }

    public RetrySettings withFirstTokenTimeout(Duration timeout) {
        return new RetrySettings(sameDeploymentRetries, backoffMin, backoffMax, jitter, requestDeadline, attemptTimeout,
                timeout);
    }
}

package dev.llmrouter.ports.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the router tries (Requirements 1.4, 1.5).
 *
 * @param sameDeploymentRetries how many more times one deployment is called after a failure whose kind
 *                              is {@code retryableSameDeployment()} (transient faults); default 1
 * @param backoffMin            the delay before the first same-deployment retry; doubles per retry;
 *                              {@link Duration#ZERO} disables waiting (tests); default 100 ms
 * @param backoffMax            the cap of that delay; default 1 s
 * @param jitter                the random spread of each delay, as a fraction of it (0..1); default 0.25
 * @param requestDeadline       the whole request's budget, from admission: no attempt starts after it;
 *                              default 30 s
 * @param attemptTimeout        the most one attempt may take (to the first byte for streams), further
 *                              capped by what is left of the deadline; default 20 s
 */
public record RetrySettings(
        int sameDeploymentRetries,
        Duration backoffMin,
        Duration backoffMax,
        double jitter,
        Duration requestDeadline,
        Duration attemptTimeout) {

    public RetrySettings {
        Objects.requireNonNull(backoffMin, "backoffMin");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(requestDeadline, "requestDeadline");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        if (sameDeploymentRetries < 0) {
            throw new IllegalArgumentException("sameDeploymentRetries cannot be negative: " + sameDeploymentRetries);
        }
        if (backoffMin.isNegative() || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("need 0 <= backoffMin (" + backoffMin + ") <= backoffMax (" + backoffMax + ")");
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be within 0..1: " + jitter);
        }
        if (requestDeadline.isNegative() || requestDeadline.isZero() || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("deadline and attempt timeout must be positive");
        }
    }

    /** 1 same-deployment retry, backoff 100 ms..1 s with 25 % jitter, 30 s per request, 20 s per attempt. */
    public static RetrySettings defaults() {
        return new RetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(1), 0.25,
                Duration.ofSeconds(30), Duration.ofSeconds(20));
    }

    /** As configured, but never waiting between retries (for tests on a fake clock). */
    public RetrySettings withoutBackoff() {
        return new RetrySettings(sameDeploymentRetries, Duration.ZERO, Duration.ZERO, 0, requestDeadline, attemptTimeout);
    }

    public RetrySettings withSameDeploymentRetries(int retries) {
        return new RetrySettings(retries, backoffMin, backoffMax, jitter, requestDeadline, attemptTimeout);
    }

    public RetrySettings withBackoff(Duration min, Duration max) {
        return new RetrySettings(sameDeploymentRetries, min, max, jitter, requestDeadline, attemptTimeout);
    }

    public RetrySettings withRequestDeadline(Duration deadline) {
        return new RetrySettings(sameDeploymentRetries, backoffMin, backoffMax, jitter, deadline, attemptTimeout);
    }

    public RetrySettings withAttemptTimeout(Duration timeout) {
        return new RetrySettings(sameDeploymentRetries, backoffMin, backoffMax, jitter, requestDeadline, timeout);
    }
}

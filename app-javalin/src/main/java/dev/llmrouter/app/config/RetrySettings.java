package dev.llmrouter.app.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries and time limits of one request (Requirements 1.4, 1.5).
 *
 * @param attemptsPerDeployment how many times one deployment may be tried within a request (transient faults)
 * @param initialBackoff        the first backoff between attempts; it doubles, with jitter...
 * @param maxBackoff            ...up to this
 * @param jitter                the random spread of each backoff, as a fraction of it (0..1)
 * @param requestDeadline       the whole request, all attempts and backoffs included
 * @param attemptTimeout        one non-streaming attempt
 * @param firstTokenTimeout     a streaming attempt, until its first chunk
 */
public record RetrySettings(
        int attemptsPerDeployment,
        Duration initialBackoff,
        Duration maxBackoff,
        double jitter,
        Duration requestDeadline,
        Duration attemptTimeout,
        Duration firstTokenTimeout) {

    /** Two attempts per deployment, backoff 100 ms..1 s with 25 % jitter, 30 s per request, 20 s per attempt. */
    public static final RetrySettings DEFAULTS = new RetrySettings(2, Duration.ofMillis(100), Duration.ofSeconds(1), 0.25,
            Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(20));

    public RetrySettings {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(requestDeadline, "requestDeadline");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(firstTokenTimeout, "firstTokenTimeout");
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be within 0..1");
        }
        if (attemptsPerDeployment < 1) {
            throw new IllegalArgumentException("attemptsPerDeployment must be at least 1");
        }
    }
}

package dev.llmrouter.app.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries and time limits of one request (Requirements 1.4, 1.5).
 *
 * @param attemptsPerDeployment how many times one deployment may be tried within a request (transient faults)
 * @param initialBackoff        the first backoff between attempts; it doubles, with jitter...
 * @param maxBackoff            ...up to this
 * @param requestDeadline       the whole request, all attempts and backoffs included
 * @param attemptTimeout        one non-streaming attempt
 * @param firstTokenTimeout     a streaming attempt, until its first chunk
 */
public record RetrySettings(
        int attemptsPerDeployment,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration requestDeadline,
        Duration attemptTimeout,
        Duration firstTokenTimeout) {

    public static final RetrySettings DEFAULTS = new RetrySettings(1, Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(15));

    public RetrySettings {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(requestDeadline, "requestDeadline");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(firstTokenTimeout, "firstTokenTimeout");
        if (attemptsPerDeployment < 1) {
            throw new IllegalArgumentException("attemptsPerDeployment must be at least 1");
        }
    }
}

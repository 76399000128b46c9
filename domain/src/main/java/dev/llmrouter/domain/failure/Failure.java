package dev.llmrouter.domain.failure;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One failed call to a deployment, as a value.
 *
 * @param kind       the class in the shared taxonomy
 * @param status     the HTTP status the deployment answered, or 0 when none (transport faults)
 * @param code       the Azure error code ({@code 429}, {@code content_filter},
 *                   {@code context_length_exceeded}, {@code DeploymentNotFound}, ...), or empty
 * @param message    the deployment's message (never contains a key)
 * @param retryAfter the delay the deployment asked for ({@code retry-after-ms},
 *                   {@code x-ms-retry-after-ms} or {@code Retry-After}), if any
 * @param body       the deployment's error body as it was (JSON; e.g. with content-filter results),
 *                   passed on to the caller for final errors; empty when none
 */
public record Failure(
        FailureKind kind, int status, String code, String message, Optional<Duration> retryAfter, String body) {

    public Failure {
        Objects.requireNonNull(kind, "kind");
        code = code == null ? "" : code;
        message = message == null ? "" : message;
        retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
        body = body == null ? "" : body;
    }

    public static Failure of(FailureKind kind, int status, String code, String message) {
        return new Failure(kind, status, code, message, Optional.empty(), "");
    }

    public static Failure transport(FailureKind kind, String message) {
        return new Failure(kind, 0, "", message, Optional.empty(), "");
    }

    public Failure withRetryAfter(Duration delay) {
        return new Failure(kind, status, code, message, Optional.ofNullable(delay), body);
    }

    public Failure withBody(String errorBody) {
        return new Failure(kind, status, code, message, retryAfter, errorBody);
    }

    @Override
    public String toString() {
        return kind + (status > 0 ? " " + status : "") + (code.isEmpty() ? "" : " " + code)
                + (message.isEmpty() ? "" : ": " + message);
    }
}

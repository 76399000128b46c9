package dev.llmrouter.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.ratelimit.RateDimension;
import dev.llmrouter.domain.ratelimit.RateLimitStatus;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.router.RouteInfo;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place where the router's outcomes become HTTP answers: status, headers and body.
 *
 * <table>
 *   <caption>Status per outcome</caption>
 *   <tr><th>outcome</th><th>status</th><th>error type / code</th></tr>
 *   <tr><td>Served</td><td>200, the deployment's body as it was</td><td></td></tr>
 *   <tr><td>Refused UNKNOWN_MODEL</td><td>404</td><td>invalid_request_error / model_not_found</td></tr>
 *   <tr><td>Refused NO_ELIGIBLE_DEPLOYMENT</td><td>400</td><td>invalid_request_error / no_eligible_deployment</td></tr>
 *   <tr><td>Refused PROMPT_TOO_LARGE</td><td>400</td><td>invalid_request_error / context_length_exceeded</td></tr>
 *   <tr><td>Refused INVALID_REQUEST</td><td>400</td><td>invalid_request_error / invalid_request</td></tr>
 *   <tr><td>Refused REQUIRED_DEPLOYMENT_NOT_ELIGIBLE</td><td>400</td><td>invalid_request_error /
 *       previous_response_not_routable</td></tr>
 *   <tr><td>Refused REQUIRED_DEPLOYMENT_UNAVAILABLE</td><td>503 + Retry-After</td><td>server_error /
 *       previous_response_deployment_unavailable</td></tr>
 *   <tr><td>Refused RATE_LIMITED</td><td>429 + Retry-After</td><td>requests or tokens (the limit that
 *       refused it) / rate_limit_exceeded</td></tr>
 *   <tr><td>Refused LARGER_THAN_RATE_LIMIT</td><td>400 (a retry could never succeed)</td>
 *       <td>invalid_request_error / request_too_large_for_rate_limit</td></tr>
 *   <tr><td>Refused QUOTA_EXCEEDED</td><td>429 + Retry-After</td><td>insufficient_quota / insufficient_quota</td></tr>
 *   <tr><td>Refused STORE_UNAVAILABLE (the quota or rate-limit store did not answer, failing closed)</td>
 *       <td>503 + Retry-After</td><td>server_error / service_unavailable</td></tr>
 *   <tr><td>Failed (content filter, context length, bad request)</td><td>the deployment's status (400 when it
 *       had none) and its error body as it was</td><td>the deployment's</td></tr>
 *   <tr><td>Exhausted, no deployment called (breakers open, cooling down)</td><td>503 + Retry-After</td>
 *       <td>server_error / deployments_unavailable</td></tr>
 *   <tr><td>Exhausted, every call throttled (429 from deployments)</td><td>503 + Retry-After</td><td>same</td></tr>
 *   <tr><td>Exhausted, every call timed out, or the request deadline passed</td><td>504</td><td>server_error / deployments_timeout</td></tr>
 *   <tr><td>Exhausted, otherwise (5xx, connection failures)</td><td>502</td><td>server_error / deployments_failed</td></tr>
 *   <tr><td>Exhausted, every candidate skipped over quota</td><td>429</td><td>insufficient_quota / insufficient_quota</td></tr>
 *   <tr><td>StreamBroken after the headers</td><td>200 already sent; an error event ends the stream</td><td></td></tr>
 * </table>
 *
 * <p>{@code Retry-After} is whole seconds rounded up (at least 1); {@code retry-after-ms} carries the
 * exact delay for clients that read it. For a 429 it is the refusal's delay, else the reset of the
 * exhausted rate-limit dimension; for 502 and 503 the time until {@code Exhausted.retryAt}, or 1 s when
 * no deployment said when it would be back.
 */
final class OutcomeMapping {

    /** A complete non-streaming answer. */
    record Answer(int status, Map<String, String> headers, byte[] body) {}

    private OutcomeMapping() {}

    static Answer answer(ChatOutcome outcome, Instant now) {
        if (outcome instanceof ChatOutcome.Served served) {
            Map<String, String> headers = routeHeaders(served.route(), served.attempts());
            headers.put("x-router-cost-usd", served.cost().toUsdString());
            headers.putAll(rateLimitHeaders(served.rateLimit()));
            Optional<byte[]> body = served.reply().map(r -> r.body());
            if (body.isEmpty()) {
                return error(ApiError.of(502, "server_error", "empty_reply", "The deployment returned no answer.", null)
                        .withHeaders(headers));
            }
            return new Answer(200, headers, body.get());
        }
        if (outcome instanceof ChatOutcome.Refused refused) {
            return error(refusal(refused.refusal(), refused.rateLimit()).withHeaders(rateLimitHeaders(refused.rateLimit())));
        }
        if (outcome instanceof ChatOutcome.Failed failed) {
            Map<String, String> headers = routeHeaders(failed.route(), failed.attempts());
            headers.putAll(rateLimitHeaders(failed.rateLimit()));
            return new Answer(failedStatus(failed.failure()), headers, failureBody(failed.failure(), "invalid_request_error"));
        }
        if (outcome instanceof ChatOutcome.Exhausted exhausted) {
            return error(exhausted(exhausted, now).withHeaders(rateLimitHeaders(exhausted.rateLimit())));
        }
        ChatOutcome.StreamBroken broken = (ChatOutcome.StreamBroken) outcome;
        Map<String, String> headers = routeHeaders(broken.route(), broken.attempts());
        headers.putAll(rateLimitHeaders(broken.rateLimit()));
        return error(ApiError.of(502, "server_error", "stream_interrupted",
                "The deployment's answer broke off" + broken.failure().map(f -> ": " + f.kind()).orElse("") + ".", null)
                .withHeaders(headers));
    }

    static Answer error(ApiError error) {
        return new Answer(error.status(), error.headers(), error.toJson());
    }

    /** A refusal before any deployment was called. */
    static ApiError refusal(Refusal refusal, RateLimitStatus rateLimit) {
        String message = refusal.message().isBlank() ? refusal.reason().toString() : refusal.message();
        return switch (refusal.reason()) {
            case UNKNOWN_MODEL -> ApiError.of(404, "invalid_request_error", "model_not_found", message, "model");
            case NO_ELIGIBLE_DEPLOYMENT -> ApiError.of(400, "invalid_request_error", "no_eligible_deployment", message, null);
            case PROMPT_TOO_LARGE -> ApiError.of(400, "invalid_request_error", "context_length_exceeded", message, "messages");
            case INVALID_REQUEST -> ApiError.of(400, "invalid_request_error", "invalid_request", message, null);
            case RATE_LIMITED -> retryAfter(ApiError.of(429, rateLimitType(rateLimit), "rate_limit_exceeded", message, null),
                    refusal.retryAfter().or(() -> exhaustedLimitReset(rateLimit)));
            case LARGER_THAN_RATE_LIMIT -> ApiError.of(400, "invalid_request_error", "request_too_large_for_rate_limit",
                    message, "max_tokens");
            case QUOTA_EXCEEDED -> retryAfter(ApiError.of(429, "insufficient_quota", "insufficient_quota", message, null),
                    refusal.retryAfter());
            case STORE_UNAVAILABLE -> retryAfter(ApiError.of(503, "server_error", "service_unavailable", message, null),
                    Optional.of(refusal.retryAfter().orElse(Duration.ZERO)));
            case REQUIRED_DEPLOYMENT_NOT_ELIGIBLE -> ApiError.of(400, "invalid_request_error",
                    "previous_response_not_routable", message, "previous_response_id");
            case REQUIRED_DEPLOYMENT_UNAVAILABLE -> retryAfter(ApiError.of(503, "server_error",
                    "previous_response_deployment_unavailable", message, "previous_response_id"),
                    Optional.of(refusal.retryAfter().orElse(Duration.ZERO)));
        };
    }

    /** OpenAI's error type for a rate limit: the limit that refused the request, requests when unknown. */
    private static String rateLimitType(RateLimitStatus rateLimit) {
        return rateLimit != null && rateLimit.refusedBy().filter(d -> d == RateDimension.TOKENS).isPresent()
                ? "tokens" : "requests";
    }

    static ApiError exhausted(ChatOutcome.Exhausted exhausted, Instant now) {
        List<Attempt> attempts = exhausted.attempts();
        int status = exhaustedStatus(attempts);
        String tried = attempts.stream().map(OutcomeMapping::describe).collect(Collectors.joining(", "));
        String message = "No deployment could serve the request"
                + (tried.isEmpty() ? "." : " (" + tried + ").") + " Try again later.";
        if (status == 429) {
            return ApiError.of(429, "insufficient_quota", "insufficient_quota",
                    "Your quota cannot hold this request on any model that could serve it"
                            + (tried.isEmpty() ? "." : " (" + tried + ")."), null);
        }
        String code = switch (status) {
            case 504 -> "deployments_timeout";
            case 503 -> "deployments_unavailable";
            default -> "deployments_failed";
        };
        ApiError error = ApiError.of(status, "server_error", code, message, null);
        Optional<Duration> wait = exhausted.retryAt().map(at -> Duration.between(now, at));
        if (status == 504 && wait.isEmpty()) {
            return error;
        }
        // Deployments that failed without saying when they recover: the shortest honest wait (1 s).
        return retryAfter(error, Optional.of(wait.orElse(Duration.ZERO)));
    }

    /**
     * 503 when nothing was called or every call was throttled (capacity, a retry later will do); 504
     * when time ran out; 502 when the deployments answered with faults; 429 when every candidate was
     * skipped because the account's quota could not hold it.
     */
    static int exhaustedStatus(List<Attempt> attempts) {
        boolean deadline = attempts.stream().anyMatch(a -> a.outcome() == Attempt.Outcome.SKIPPED_DEADLINE);
        List<FailureKind> kinds = attempts.stream().filter(Attempt::reachedDeployment)
                .map(a -> a.failure().map(Failure::kind).orElse(FailureKind.SERVER_ERROR)).toList();
        if (!attempts.isEmpty() && attempts.stream().allMatch(a -> a.outcome() == Attempt.Outcome.SKIPPED_OVER_QUOTA)) {
            return 429;
        }
        if (kinds.isEmpty()) {
            return deadline ? 504 : 503;
        }
        if (deadline || kinds.stream().allMatch(k -> k == FailureKind.TIMEOUT || k == FailureKind.REQUEST_TIMEOUT)) {
            return 504;
        }
        if (kinds.stream().allMatch(k -> k == FailureKind.THROTTLED)) {
            return 503;
        }
        return 502;
    }

    static int failedStatus(Failure failure) {
        int status = failure.status();
        if (status >= 400 && status <= 599) {
            return status;
        }
        return switch (failure.kind()) {
            case BAD_REQUEST, CONTENT_FILTERED, CONTEXT_LENGTH_EXCEEDED -> 400;
            default -> 502;
        };
    }

    /** The deployment's error body when it is a JSON object, else an OpenAI-shaped one built from the failure. */
    static byte[] failureBody(Failure failure, String type) {
        if (!failure.body().isBlank()) {
            try {
                JsonNode node = Json.MAPPER.readTree(failure.body());
                if (node != null && node.isObject()) {
                    return failure.body().getBytes(StandardCharsets.UTF_8);
                }
            } catch (java.io.IOException notJson) {
                // fall through: wrap the message instead
            }
        }
        String message = failure.message().isBlank() ? failure.kind().toString() : failure.message();
        return ApiError.of(failedStatus(failure), type, failure.code().isBlank() ? null : failure.code(), message, null)
                .toJson();
    }

    /** The SSE error event that ends a broken stream: {@code data: {"error":{...}}}. */
    static byte[] streamErrorPayload(Failure failure) {
        Failure f = failure.message().isBlank()
                ? new Failure(failure.kind(), failure.status(), failure.code().isBlank() ? "stream_interrupted" : failure.code(),
                        "The deployment's stream broke off.", failure.retryAfter(), failure.body())
                : failure;
        if (f.code().isBlank()) {
            f = new Failure(f.kind(), f.status(), "stream_interrupted", f.message(), f.retryAfter(), f.body());
        }
        return failureBody(f, "server_error");
    }

    /**
     * An error answer ({@code {"error":{...}}}) as a Responses stream's {@code error} event: the
     * Responses API's own fields ({@code type}, {@code code}, {@code message}, {@code param}) and the
     * {@code error} object beside them, which OpenAI's clients read to raise the error.
     */
    static byte[] responsesErrorEvent(byte[] errorJson) {
        com.fasterxml.jackson.databind.node.ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("type", "error");
        com.fasterxml.jackson.databind.JsonNode error;
        try {
            error = Json.MAPPER.readTree(errorJson).path("error");
        } catch (java.io.IOException e) {
            error = Json.MAPPER.createObjectNode();
        }
        event.set("code", error.path("code").isMissingNode() ? null : error.get("code"));
        event.set("message", error.path("message").isMissingNode() ? null : error.get("message"));
        event.set("param", error.path("param").isMissingNode() ? null : error.get("param"));
        event.set("error", error.isObject() ? error : Json.MAPPER.createObjectNode());
        return Json.bytes(event);
    }

    /**
     * The {@code id} of a response object, or of the response a stream event carries
     * ({@code response.id}); null when there is none or the JSON cannot be read.
     */
    static String responseId(byte[] json) {
        try {
            com.fasterxml.jackson.databind.JsonNode root = Json.MAPPER.readTree(json);
            com.fasterxml.jackson.databind.JsonNode id = root.path("response").isObject()
                    ? root.path("response").path("id") : root.path("id");
            return id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** Where the request was served (or last tried). */
    static Map<String, String> routeHeaders(RouteInfo route, List<Attempt> attempts) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-router-tier", route.tier().id());
        headers.put("x-router-model", route.model().id());
        headers.put("x-router-deployment", route.deployment().id().value());
        headers.put("x-router-region", route.deployment().region().name());
        downgradeReason(route).ifPresent(reason -> headers.put("x-router-downgraded", RouterHeaders.printable(reason)));
        headers.put("x-router-attempts", Long.toString(attempts.stream().filter(Attempt::reachedDeployment).count()));
        return headers;
    }

    static Optional<String> downgradeReason(RouteInfo route) {
        if (route.downgrade().isPresent()) {
            return route.downgrade();
        }
        if (route.fellDown()) {
            return Optional.of("fell down to " + route.tier().id() + ": "
                    + route.requestedTier().map(t -> t.id() + " ").orElse("") + "deployments unavailable");
        }
        return Optional.empty();
    }

    /** {@code x-ratelimit-*}, for each limited dimension (a limit of 0 is unlimited and sends nothing). */
    static Map<String, String> rateLimitHeaders(RateLimitStatus status) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (status == null) {
            return headers;
        }
        if (status.limitRequests() > 0) {
            headers.put("x-ratelimit-limit-requests", Long.toString(status.limitRequests()));
            headers.put("x-ratelimit-remaining-requests", Long.toString(Math.max(0, status.remainingRequests())));
            headers.put("x-ratelimit-reset-requests", goDuration(status.resetRequests()));
        }
        if (status.limitTokens() > 0) {
            headers.put("x-ratelimit-limit-tokens", Long.toString(status.limitTokens()));
            headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, status.remainingTokens())));
            headers.put("x-ratelimit-reset-tokens", goDuration(status.resetTokens()));
        }
        return headers;
    }

    private static Optional<Duration> exhaustedLimitReset(RateLimitStatus status) {
        if (status == null) {
            return Optional.empty();
        }
        Duration wait = Duration.ZERO;
        if (status.limitRequests() > 0 && status.remainingRequests() <= 0) {
            wait = max(wait, status.resetRequests());
        }
        if (status.limitTokens() > 0 && status.remainingTokens() <= 0) {
            wait = max(wait, status.resetTokens());
        }
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static ApiError retryAfter(ApiError error, Optional<Duration> wait) {
        if (wait.isEmpty()) {
            return error;
        }
        Duration d = wait.get().isNegative() ? Duration.ZERO : wait.get();
        return error.withHeader("Retry-After", Long.toString(retryAfterSeconds(d)))
                .withHeader("retry-after-ms", Long.toString(Math.max(1, ceilMillis(d))));
    }

    /** Whole seconds, rounded up, at least 1 (a 0 would invite an immediate retry). */
    static long retryAfterSeconds(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    private static long ceilMillis(Duration d) {
        long ms = d.toMillis();
        return d.minusMillis(ms).isZero() ? ms : ms + 1;
    }

    /** OpenAI's reset format (Go durations): {@code 120ms}, {@code 1s}, {@code 8.64s}, {@code 6m0s}, {@code 1h2m3s}. */
    static String goDuration(Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            return "0s";
        }
        long ms = ceilMillis(d);
        if (ms < 1000) {
            return ms + "ms";
        }
        long hours = ms / 3_600_000;
        long minutes = (ms / 60_000) % 60;
        String seconds = BigDecimal.valueOf(ms % 60_000, 3).stripTrailingZeros().toPlainString();
        StringBuilder b = new StringBuilder();
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        return b.append(seconds).append('s').toString();
    }

    private static String describe(Attempt a) {
        String what = switch (a.outcome()) {
            case SUCCESS -> "succeeded";
            case FAILED -> a.failure().map(f -> f.kind().toString() + (f.status() > 0 ? " " + f.status() : ""))
                    .orElse("failed");
            case SKIPPED_BREAKER_OPEN -> "breaker open";
            case SKIPPED_COOLING_DOWN -> "cooling down";
            case SKIPPED_DEADLINE -> "deadline passed";
            case SKIPPED_OVER_QUOTA -> "over quota";
        };
        return a.deployment().value() + ": " + what;
    }
}

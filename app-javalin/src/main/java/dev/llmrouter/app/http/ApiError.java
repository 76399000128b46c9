package dev.llmrouter.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An error answer in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with its
 * status and any extra headers (e.g. {@code Retry-After}).
 *
 * <p>The factories below are the catalogue of errors the gateway itself raises for what a caller sent;
 * {@link OutcomeMapping} maps the router's outcomes. Messages never contain a key or a prompt, and
 * are bounded here, in one place, whoever wrote them (Requirement 9.1): a message may quote what the
 * caller sent (a model name, a path), and a caller may send a megabyte of it; past
 * {@value #MAX_MESSAGE_CHARS} characters the rest is cut and the cut is said.
 *
 * @param status  the HTTP status
 * @param type    OpenAI's error type ({@code invalid_request_error}, {@code authentication_error}, ...)
 * @param code    a machine-readable code, or {@code null}
 * @param message a message naming what to change
 * @param param   the request field at fault (e.g. {@code messages[0].role}), or {@code null}
 * @param headers extra response headers
 */
public record ApiError(int status, String type, String code, String message, String param, Map<String, String> headers) {

    /** The longest message answered: room for every message of the gateway's own and a quoted name. */
    static final int MAX_MESSAGE_CHARS = 512;

    public ApiError {
        Objects.requireNonNull(type, "type");
        message = bounded(Objects.requireNonNull(message, "message"));
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** {@code message}, or its first {@value #MAX_MESSAGE_CHARS} characters and a marker saying how much was cut. */
    static String bounded(String message) {
        if (message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        int cut = MAX_MESSAGE_CHARS;
        if (Character.isHighSurrogate(message.charAt(cut - 1))) {
            cut--;
        }
        return message.substring(0, cut) + "… [" + (message.length() - cut) + " more characters cut]";
    }

    public static ApiError of(int status, String type, String code, String message, String param) {
        return new ApiError(status, type, code, message, param, Map.of());
    }

    /** 400: a field is missing, of the wrong type or out of range. */
    public static ApiError invalidField(String param, String code, String message) {
        return of(400, "invalid_request_error", code, message, param);
    }

    /** 400: the body is not valid JSON (or not valid UTF-8). */
    public static ApiError invalidJson(String detail) {
        return of(400, "invalid_request_error", "invalid_json",
                "We could not parse the JSON body of your request: " + detail
                        + ". Send a JSON object encoded as UTF-8.", null);
    }

    /** 401: no key, or a key no account has. */
    public static ApiError unauthenticated(String message) {
        return of(401, "authentication_error", "invalid_api_key", message, null);
    }

    /** 403: an operator route called without an operator key, or another account's data. */
    public static ApiError forbidden(String code, String message) {
        return of(403, "permission_error", code, message, null);
    }

    /** 404: an unknown route. */
    public static ApiError unknownRoute(String method, String path) {
        return of(404, "invalid_request_error", "unknown_url", "Unrecognized request URL (" + method + " " + path
                + "). See the gateway's API reference for the available routes.", null);
    }

    /** 405: a known route with another method. */
    public static ApiError methodNotAllowed(String method, String path) {
        return of(405, "invalid_request_error", "method_not_allowed",
                "Method " + method + " is not allowed on " + path + ".", null);
    }

    /** 413: the body is larger than the gateway accepts. */
    public static ApiError bodyTooLarge(long maxBytes) {
        return of(413, "invalid_request_error", "request_too_large",
                "The request body is larger than the gateway accepts (" + maxBytes + " bytes).", null);
    }

    /**
     * 408: the body did not arrive in time ({@link BodyReadLimits}). The connection is closed after the
     * answer: the rest of the body is not worth waiting for.
     */
    public static ApiError bodyTimeout(BodyReadLimits limits) {
        return of(408, "invalid_request_error", "request_timeout",
                "The request body did not arrive in time: the gateway waits " + seconds(limits.timeout())
                        + " for a body, and one more second for every " + limits.minBytesPerSecond()
                        + " bytes received. Send the whole body promptly.", null)
                .withHeader("Connection", "close");
    }

    /**
     * 429: the account already has as many requests in progress as its plan allows. Not a rate limit: a
     * slot frees as soon as one of them ends, hence the short {@code Retry-After}.
     */
    public static ApiError tooManyConcurrentRequests(String planId, int max) {
        return of(429, "requests", "concurrency_limit_exceeded",
                "Too many concurrent requests: plan '" + planId + "' allows " + max
                        + " requests in progress at once per account. Wait for one to finish and retry.", null)
                .withHeader("Retry-After", "1");
    }

    private static String seconds(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** 415: a content type other than JSON. */
    public static ApiError unsupportedMediaType(String contentType) {
        return of(415, "invalid_request_error", "unsupported_media_type",
                "Unsupported content type '" + contentType + "': send application/json.", null);
    }

    /** 500: a fault of the gateway itself; the details are in the log under the request id. */
    public static ApiError internal(String requestId) {
        return of(500, "server_error", "internal_error",
                "The gateway failed to process the request; quote request id " + requestId + " to the operator.",
                null);
    }

    public ApiError withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiError(status, type, code, message, param, h);
    }

    public ApiError withHeaders(Map<String, String> more) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putAll(more);
        return new ApiError(status, type, code, message, param, h);
    }

    /** The body, {@code {"error":{...}}}. */
    public byte[] toJson() {
        return Json.bytes(toNode());
    }

    ObjectNode toNode() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }

    /** Thrown by parsing and validation to end a request with this error. Carries no stack trace. */
    public ApiException exception() {
        return new ApiException(this);
    }

    /** The HTTP layer's only exception: turned into the error answer by the exception handler. */
    public static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ApiError error;

        ApiException(ApiError error) {
            super(error.status() + " " + error.message(), null, false, false);
            this.error = error;
        }

        public ApiError error() {
            return error;
        }
    }
}

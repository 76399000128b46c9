package dev.llmrouter.app.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors — requests it rejects before Javalin sees them (a malformed request line or URI,
 * headers too large, a bad encoding) — in OpenAI's error shape instead of an HTML page, with no stack
 * trace and no echo of the request. They get a fresh {@code x-request-id} like every other answer.
 */
final class JsonErrorHandler extends ErrorHandler {

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(RequestIds.HEADER, UUID.randomUUID().toString());
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        fields.put(RequestIds.HEADER, UUID.randomUUID().toString());
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int status) {
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        String message = switch (status) {
            case 400 -> "The HTTP request is malformed (request line, URI, headers or encoding).";
            case 413 -> "The request body is larger than the gateway accepts.";
            case 414 -> "The request URI is too long.";
            case 431 -> "The request headers are too large.";
            default -> status >= 500 ? "The gateway failed to process the request." : "The HTTP request was rejected.";
        };
        return ApiError.of(status, type, "http_" + status, message, null).toJson();
    }
}

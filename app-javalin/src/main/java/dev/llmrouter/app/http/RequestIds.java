package dev.llmrouter.app.http;

import io.javalin.http.Context;
import java.util.UUID;

/**
 * The request id: the caller's {@code x-request-id} when it is 1–128 visible ASCII characters (so that
 * it is safe in headers and logs), else a new UUID. Set on the response of every request.
 */
final class RequestIds {

    static final String HEADER = "x-request-id";
    private static final String ATTRIBUTE = "llmrouter.requestId";

    private RequestIds() {}

    static String assign(Context ctx) {
        String existing = ctx.attribute(ATTRIBUTE);
        if (existing != null) {
            return existing;
        }
        String id = ctx.header(HEADER);
        if (!acceptable(id)) {
            id = UUID.randomUUID().toString();
        }
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        return id;
    }

    static boolean acceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}

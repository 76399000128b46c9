package dev.llmrouter.app.http;

import io.javalin.http.Context;
import java.util.Locale;

/**
 * Request bodies are JSON in UTF-8: a declared content type that is not JSON, or a charset other than
 * UTF-8, gets 415; no content type at all is accepted (curl without {@code -H}).
 */
final class ContentTypes {

    private ContentTypes() {}

    static void requireJson(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null || type.isBlank()) {
            return;
        }
        String[] parts = type.split(";");
        String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !media.endsWith("+json")) {
            throw ApiError.unsupportedMediaType(RouterHeaders.printable(media)).exception();
        }
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].trim().split("=", 2);
            if (param.length == 2 && param[0].trim().equalsIgnoreCase("charset")) {
                String charset = param[1].trim().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    throw ApiError.unsupportedMediaType(RouterHeaders.printable(type.trim())).exception();
                }
            }
        }
    }
}

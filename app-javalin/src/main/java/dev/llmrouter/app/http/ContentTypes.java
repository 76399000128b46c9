package dev.llmrouter.app.http;

import io.javalin.http.Context;
import java.util.Locale;

/** Request bodies are JSON: a declared content type that is not JSON gets 415; none at all is accepted. */
final class ContentTypes {

    private ContentTypes() {}

    static void requireJson(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null || type.isBlank()) {
            return;
        }
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !media.endsWith("+json")) {
            throw ApiError.unsupportedMediaType(RouterHeaders.printable(media)).exception();
        }
    }
}

package dev.llmrouter.app.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id: the caller's {@code x-request-id} when it is 1–128 visible ASCII characters (so that
 * it is safe in headers and logs, Requirement 9.1), else a new UUID. Set on the response of every request.
 *
 * <p>An unusable id is replaced, not refused: it is a correlation aid that proxies and SDKs often add
 * on the caller's behalf, it guards nothing and decides nothing, so failing a request over it would
 * punish the caller for a header it may not control; the id used is echoed, so the caller still learns
 * what to quote. Creator and operation are refused instead ({@link CallerText}): they attribute spend.
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
            id = randomUuid().toString();
        }
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        return id;
    }

    /**
     * A version-4 (random) UUID from {@link ThreadLocalRandom}. An id correlates log lines and answers; it
     * guards nothing, so it needs uniqueness, not unpredictability: {@link UUID#randomUUID()} draws from
     * the shared {@code SecureRandom} (a lock and a read of the system's entropy source per id), which was
     * a measurable part of every request's CPU time.
     */
    static UUID randomUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;              // version 4
        long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
        return new UUID(msb, lsb);
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

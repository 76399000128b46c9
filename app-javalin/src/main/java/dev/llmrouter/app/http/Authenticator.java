package dev.llmrouter.app.http;

import io.javalin.http.Context;

/**
 * Finds the caller's account from its gateway key: {@code Authorization: Bearer KEY} (OpenAI clients)
 * or {@code api-key: KEY} (Azure clients). The key is handed to the {@link AccountDirectory} and never
 * logged or echoed.
 *
 * <p>{@link #guard} runs before routing (Requirement 9.5): every method of every protected path, the
 * ones no handler serves ({@code HEAD}, {@code PUT}, ...) included, needs a key before anything else
 * is answered; only the probes and the metrics page are open.
 */
final class Authenticator {

    /** Longer keys are refused unhashed: no real key is this long, and hashing a megabyte is work. */
    private static final int MAX_KEY_LENGTH = 512;

    private static final String ATTRIBUTE = "llmrouter.account";

    private final AccountDirectory accounts;

    Authenticator(AccountDirectory accounts) {
        this.accounts = accounts;
    }

    /** The caller's account; authenticated once per request, however many times it is asked for. */
    Account require(Context ctx) {
        Account known = ctx.attribute(ATTRIBUTE);
        if (known != null) {
            return known;
        }
        String key = presentedKey(ctx);
        if (key == null) {
            throw ApiError.unauthenticated("You didn't provide an API key. Send it as 'Authorization: Bearer KEY' "
                    + "or 'api-key: KEY'.").exception();
        }
        Account account = (key.length() > MAX_KEY_LENGTH ? java.util.Optional.<Account>empty() : accounts.authenticate(key))
                .orElseThrow(() -> ApiError.unauthenticated("Incorrect API key provided.").exception());
        RequestLog.of(ctx).account = account.id();
        ctx.attribute(ATTRIBUTE, account);
        return account;
    }

    Account requireOperator(Context ctx) {
        Account account = require(ctx);
        if (!account.operator()) {
            throw ApiError.forbidden("operator_only", "This route is for operators: use an operator key.").exception();
        }
        return account;
    }

    /** Authenticates a request to a protected path, whatever its method; operator paths need an operator key. */
    void guard(Context ctx) {
        String path = ctx.path();
        if (path.startsWith("/admin/") || path.equals("/admin")) {
            requireOperator(ctx);
        } else if (!OPEN_PATHS.contains(path)) {
            require(ctx);
        }
    }

    /** Paths answered without a key: probes and scrapers have none. */
    private static final java.util.Set<String> OPEN_PATHS = java.util.Set.of("/health/live", "/health/ready", "/metrics");

    private static String presentedKey(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            String a = authorization.trim();
            if (a.length() > 7 && a.regionMatches(true, 0, "bearer ", 0, 7)) {
                String key = a.substring(7).trim();
                if (!key.isEmpty()) {
                    return key;
                }
            }
        }
        String apiKey = ctx.header("api-key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }
}

package dev.llmrouter.app.http;

import io.javalin.http.Context;

/**
 * Finds the caller's account from its gateway key: {@code Authorization: Bearer KEY} (OpenAI clients)
 * or {@code api-key: KEY} (Azure clients). The key is handed to the {@link AccountDirectory} and never
 * logged or echoed.
 */
final class Authenticator {

    /** Longer keys are refused unhashed: no real key is this long, and hashing a megabyte is work. */
    private static final int MAX_KEY_LENGTH = 512;

    private final AccountDirectory accounts;

    Authenticator(AccountDirectory accounts) {
        this.accounts = accounts;
    }

    Account require(Context ctx) {
        String key = presentedKey(ctx);
        if (key == null) {
            throw ApiError.unauthenticated("You didn't provide an API key. Send it as 'Authorization: Bearer KEY' "
                    + "or 'api-key: KEY'.").exception();
        }
        Account account = (key.length() > MAX_KEY_LENGTH ? java.util.Optional.<Account>empty() : accounts.authenticate(key))
                .orElseThrow(() -> ApiError.unauthenticated("Incorrect API key provided.").exception());
        RequestLog.of(ctx).account = account.id();
        return account;
    }

    Account requireOperator(Context ctx) {
        Account account = require(ctx);
        if (!account.operator()) {
            throw ApiError.forbidden("operator_only", "This route is for operators: use an operator key.").exception();
        }
        return account;
    }

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

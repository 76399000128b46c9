package dev.llmrouter.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.usage.UsageQueryUseCase;
import dev.llmrouter.ports.usage.UsageQueryUseCase.Cursor;
import dev.llmrouter.ports.usage.UsageQueryUseCase.GroupBy;
import dev.llmrouter.ports.usage.UsageQueryUseCase.Page;
import dev.llmrouter.ports.usage.UsageQueryUseCase.Line;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /v1/usage?from=&to=&group_by=creator|model|operation|tier|deployment}: the caller's own
 * cost and tokens (Requirement 5.3).
 *
 * <ul>
 *   <li>{@code from}, {@code to}: ISO instants ({@code 2026-11-01T00:00:00Z}, offsets allowed) or dates
 *       ({@code 2026-11-01}, UTC). A date as {@code to} includes that whole day. Defaults: the start of the
 *       current month (UTC) to now. The range is half-open, {@code [from, to)}.
 *   <li>{@code group_by}: default {@code model}.
 *   <li>Paged (Requirement 9.4): {@code limit} groups per answer ({@value #DEFAULT_LIMIT} by default, at
 *       most {@value #MAX_LIMIT}); when more remain the answer says {@code "has_more": true} and names the
 *       next page in {@code next_after}, which the caller sends back as {@code after}. The order is the
 *       report's (cost highest first, then key) and the cursor is a position in it, so a page neither
 *       repeats nor skips a group whose place did not change; {@code total} is always over every group.
 *   <li>The account is always the caller's: an {@code account} parameter naming another account is
 *       refused with 403 (naming its own is allowed and changes nothing).
 * </ul>
 *
 * Costs are exact decimal dollar strings ({@code "0.0125"}), never floating-point numbers.
 */
final class UsageHandler {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;
    /** A cursor is a cost and a group key (at most a few hundred bytes): anything longer is not one of ours. */
    private static final int MAX_CURSOR_LENGTH = 2_048;

    private final Authenticator auth;
    private final UsageQueryUseCase usage;
    private final InstantSource clock;

    UsageHandler(Authenticator auth, UsageQueryUseCase usage, InstantSource clock) {
        this.auth = auth;
        this.usage = usage;
        this.clock = clock;
    }

    void report(Context ctx) {
        Account account = auth.require(ctx);
        String other = ctx.queryParam("account");
        if (other != null && !other.equals(account.id())) {
            throw ApiError.forbidden("other_account", "Usage can only be read for your own account.").exception();
        }
        Instant now = clock.instant();
        Instant from = instant(ctx.queryParam("from"), "from", false)
                .orElseGet(() -> LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        Instant to = instant(ctx.queryParam("to"), "to", true).orElse(now);
        if (!from.isBefore(to)) {
            throw ApiError.invalidField("from", "invalid_value", "'from' must be before 'to'.").exception();
        }
        GroupBy groupBy = groupBy(ctx.queryParam("group_by"));
        Page page = new Page(limit(ctx.queryParam("limit")), after(ctx.queryParam("after")));
        UsageQueryUseCase.UsageReport report;
        try {
            report = usage.usage(account.id(), from, to, groupBy, page);
        } catch (RuntimeException e) {
            // The request was checked above: what fails now is the ledger (a database away, records
            // still on the spool). A report without them would be wrong, so none is given.
            RequestLog.LOG.warn("usage report: the ledger cannot answer: {}", e.toString());
            throw ApiError.of(503, "server_error", "service_unavailable",
                    "The usage ledger cannot answer now; retry later.", null).withHeader("Retry-After", "1").exception();
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "usage.report");
        root.put("account", report.accountId());
        root.put("from", report.from().toString());
        root.put("to", report.to().toString());
        root.put("group_by", report.groupBy().name().toLowerCase(Locale.ROOT));
        ArrayNode data = root.putArray("data");
        report.lines().forEach(line -> data.add(line(line)));
        root.set("total", line(report.total()));
        root.put("groups", report.groups());
        root.put("has_more", report.next().isPresent());
        root.put("next_after", report.next().map(UsageHandler::encode).orElse(null));
        ctx.contentType("application/json").result(Json.bytes(root));
    }

    private static ObjectNode line(Line line) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("key", line.key());
        node.put("requests", line.requests());
        TokenUsage tokens = line.tokens();
        node.put("input_tokens", tokens.inputTokens());
        node.put("output_tokens", tokens.outputTokens());
        node.put("total_tokens", tokens.inputTokens() + tokens.outputTokens());
        // Shares of the two above, as Azure reports them: not added to the total again.
        node.put("cached_input_tokens", tokens.cachedInputTokens());
        node.put("cache_write_tokens", tokens.cacheWriteTokens());
        node.put("reasoning_tokens", tokens.reasoningTokens());
        node.put("cost_usd", line.cost().toUsdString());
        return node;
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidField("limit", "invalid_value",
                "'limit' must be a whole number from 1 to " + MAX_LIMIT + ".").exception();
    }

    private static Optional<Cursor> after(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            if (value.length() > MAX_CURSOR_LENGTH) {
                throw new IllegalArgumentException("too long");
            }
            String decoded = StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(value.trim()))).toString();
            int colon = decoded.indexOf(':');
            return Optional.of(new Cursor(Money.ofNanos(Long.parseLong(decoded.substring(0, colon))),
                    decoded.substring(colon + 1)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException | CharacterCodingException e) {
            throw ApiError.invalidField("after", "invalid_value",
                    "'after' must be the next_after value of a previous page.").exception();
        }
    }

    /** The cursor as the caller sends it back: opaque, URL-safe, no padding. */
    static String encode(Cursor cursor) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((cursor.cost().nanos() + ":" + cursor.key()).getBytes(StandardCharsets.UTF_8));
    }

    private static GroupBy groupBy(String value) {
        if (value == null || value.isBlank()) {
            return GroupBy.MODEL;
        }
        try {
            return GroupBy.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidField("group_by", "invalid_value",
                    "'group_by' must be one of creator, model, operation, tier, deployment.").exception();
        }
    }

    private static java.util.Optional<Instant> instant(String value, String param, boolean endOfDay) {
        if (value == null || value.isBlank()) {
            return java.util.Optional.empty();
        }
        String v = value.trim();
        try {
            if (v.length() == 10) {
                LocalDate date = LocalDate.parse(v);
                return java.util.Optional.of((endOfDay ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            return java.util.Optional.of(OffsetDateTime.parse(v).toInstant());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiError.invalidField(param, "invalid_value",
                    "'" + param + "' must be an ISO instant (2026-11-01T00:00:00Z) or a date (2026-11-01).").exception();
        }
    }
}

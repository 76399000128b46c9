package dev.llmrouter.adapters.jdbc;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Text encodings of the ledger: a path as one column, a record as one spool line.
 *
 * <p>Both escape with percent signs, only the characters that would break them: a path escapes
 * {@code %} and the {@code ,} that separates its entries; a spool line escapes {@code %}, the tab that
 * separates its fields and the line breaks that end it. The two nest (a path inside a line is escaped
 * again), and decoding undoes each in the reverse order, so any text survives both.
 */
final class FieldText {

    private static final int LINE_FIELDS = 22;
    /** Lines spooled before records carried token kinds and spillover; read as having none. */
    private static final int LINE_FIELDS_BEFORE_KINDS = 18;

    private FieldText() {}

    static String joinPath(List<String> path) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(escape(path.get(i), ","));
        }
        return b.toString();
    }

    static List<String> splitPath(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            entries.add(unescape(entry));
        }
        return entries;
    }

    /** The record as one line without its line break: its fields, tab-separated. */
    static String line(UsageRecord r) {
        String[] fields = {
            r.requestId(),
            Long.toString(UsageRows.epochNanos(r.time())),
            r.accountId(),
            r.creator(),
            r.planId(),
            r.operation(),
            r.requestedTier().map(Tier::id).orElse(""),
            r.tier().id(),
            r.model(),
            r.deployment(),
            r.region(),
            Long.toString(r.tokens().inputTokens()),
            Long.toString(r.tokens().outputTokens()),
            Long.toString(r.cost().nanos()),
            Long.toString(r.latency().toNanos()),
            r.timeToFirstToken().map(d -> Long.toString(d.toNanos())).orElse(""),
            r.outcome().name(),
            joinPath(r.path()),
            Long.toString(r.tokens().cachedInputTokens()),
            Long.toString(r.tokens().cacheWriteTokens()),
            Long.toString(r.tokens().reasoningTokens()),
            r.spilledFrom(),
        };
        StringBuilder b = new StringBuilder(256);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                b.append('\t');
            }
            b.append(escape(fields[i], "\t\n\r"));
        }
        return b.toString();
    }

    /**
     * The record a {@link #line} wrote.
     *
     * @throws IllegalArgumentException if it is not such a line
     */
    static UsageRecord record(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != LINE_FIELDS && f.length != LINE_FIELDS_BEFORE_KINDS) {
            throw new IllegalArgumentException("a spool line has " + LINE_FIELDS + " fields, not " + f.length);
        }
        boolean kinds = f.length == LINE_FIELDS;
        for (int i = 0; i < f.length; i++) {
            f[i] = unescape(f[i]);
        }
        return new UsageRecord(f[0], UsageRows.instant(Long.parseLong(f[1])), f[2], f[3], f[4], f[5],
                f[6].isEmpty() ? Optional.empty() : Optional.of(tier(f[6])), tier(f[7]), f[8], f[9], f[10],
                new TokenUsage(Long.parseLong(f[11]), Long.parseLong(f[12]), kinds ? Long.parseLong(f[18]) : 0,
                        kinds ? Long.parseLong(f[19]) : 0, kinds ? Long.parseLong(f[20]) : 0),
                Money.ofNanos(Long.parseLong(f[13])),
                Duration.ofNanos(Long.parseLong(f[14])),
                f[15].isEmpty() ? Optional.empty() : Optional.of(Duration.ofNanos(Long.parseLong(f[15]))),
                UsageOutcome.valueOf(f[16]), splitPath(f[17]), kinds ? f[21] : "");
    }

    private static Tier tier(String id) {
        return Tier.parse(id).orElseThrow(() -> new IllegalArgumentException("unknown tier: " + id));
    }

    /** {@code %} and each of {@code specials} as {@code %XX} (two upper-case hex digits). */
    static String escape(String s, String specials) {
        int first = -1;
        for (int i = 0; i < s.length() && first < 0; i++) {
            char c = s.charAt(i);
            if (c == '%' || specials.indexOf(c) >= 0) {
                first = i;
            }
        }
        if (first < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || specials.indexOf(c) >= 0) {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String unescape(String s) {
        int first = s.indexOf('%');
        if (first < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length()).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("a cut escape in: " + s);
                }
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

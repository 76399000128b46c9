package dev.llmrouter.ports.usage;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Inbound port: cost and tokens of one account over a time range, grouped (Requirement 5.3).
 * Callers only ever see their own account: the account id comes from authentication, never from the
 * request.
 */
public interface UsageQueryUseCase {

    /**
     * One page of the report (Requirement 9.4): at most {@code page.limit()} groups, those after
     * {@code page.after()} in the report's order; the totals are always over every group.
     */
    UsageReport usage(String accountId, Instant from, Instant to, GroupBy groupBy, Page page);

    /** Every group in one report: for callers that hold the account's groups anyway (tests, exports). */
    default UsageReport usage(String accountId, Instant from, Instant to, GroupBy groupBy) {
        return usage(accountId, from, to, groupBy, Page.ALL);
    }

    /** The dimension to group by. */
    enum GroupBy {
        CREATOR,
        MODEL,
        OPERATION,
        TIER,
        DEPLOYMENT
    }

    /**
     * One group's totals, every token kind apart (Requirement 8.4). {@code key} is empty for records
     * without a value in that dimension.
     */
    record Line(String key, long requests, TokenUsage tokens, Money cost) {

        /** A line of input and output tokens only. */
        public Line(String key, long requests, long inputTokens, long outputTokens, Money cost) {
            this(key, requests, new TokenUsage(inputTokens, outputTokens), cost);
        }

        public long inputTokens() {
            return tokens.inputTokens();
        }

        public long outputTokens() {
            return tokens.outputTokens();
        }
    }

    /**
     * Where a page starts: after the group with this cost and key in the report's order (cost highest
     * first, then key). A position, not an offset, so that a page never repeats or skips a group whose
     * place is unchanged when usage is added between two pages.
     */
    record Cursor(Money cost, String key) {
        public Cursor {
            Objects.requireNonNull(cost, "cost");
            Objects.requireNonNull(key, "key");
        }

        /** Whether {@code line} comes after this position in the report's order. */
        public boolean precedes(Line line) {
            int byCost = line.cost().compareTo(cost);
            return byCost < 0 || (byCost == 0 && line.key().compareTo(key) > 0);
        }
    }

    /**
     * @param limit the most groups in the page (at least 1)
     * @param after where the page starts; empty: at the first group
     */
    record Page(int limit, Optional<Cursor> after) {
        public static final Page ALL = new Page(Integer.MAX_VALUE, Optional.empty());

        public Page {
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be at least 1: " + limit);
            }
            after = after == null ? Optional.empty() : after;
        }

        public static Page first(int limit) {
            return new Page(limit, Optional.empty());
        }
    }

    /**
     * The report: one page of groups sorted by cost (highest first), then key; the overall totals over
     * every group; how many groups there are; and where the next page starts, empty on the last page.
     */
    record UsageReport(
            String accountId, Instant from, Instant to, GroupBy groupBy, List<Line> lines, Line total,
            long groups, Optional<Cursor> next) {

        /** A report whose lines are all its groups. */
        public UsageReport(String accountId, Instant from, Instant to, GroupBy groupBy, List<Line> lines, Line total) {
            this(accountId, from, to, groupBy, lines, total, lines.size(), Optional.empty());
        }
    }
}

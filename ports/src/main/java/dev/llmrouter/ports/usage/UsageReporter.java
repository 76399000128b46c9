package dev.llmrouter.ports.usage;

import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageSummary;
import dev.llmrouter.domain.usage.UsageTotals;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers {@link UsageQueryUseCase} from a {@link UsageLedger} (Requirement 5.3): the ledger groups the
 * account's records with {@code from <= time < to} ({@link UsageLedger#totals}, where a database does
 * the {@code GROUP BY}), money exact to the nano-dollar; this class pages the groups by cursor.
 */
public final class UsageReporter implements UsageQueryUseCase {

    private final UsageLedger ledger;

    public UsageReporter(UsageLedger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /**
     * @throws IllegalArgumentException if {@code from} is after {@code to} (the HTTP layer answers 400);
     *                                  {@code from == to} is an empty range and an empty report
     */
    @Override
    public UsageReport usage(String accountId, Instant from, Instant to, GroupBy groupBy, Page page) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(groupBy, "groupBy");
        Objects.requireNonNull(page, "page");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("usage range is reversed: from " + from + " is after to " + to);
        }
        UsageSummary summary = ledger.totals(accountId, from, to, dimension(groupBy));
        List<Line> all = summary.groups().stream().map(g -> line(g.key(), g.totals())).toList();
        int start = page.after().map(cursor -> firstAfter(all, cursor)).orElse(0);
        int end = (int) Math.min(all.size(), (long) start + page.limit());
        List<Line> lines = all.subList(start, end);
        Optional<Cursor> next = end < all.size()
                ? Optional.of(new Cursor(lines.get(lines.size() - 1).cost(), lines.get(lines.size() - 1).key()))
                : Optional.empty();
        return new UsageReport(accountId, from, to, groupBy, List.copyOf(lines), line("", summary.total()), all.size(), next);
    }

    /** The index of the first line after {@code cursor} (lines are in the report's order): a binary search. */
    private static int firstAfter(List<Line> lines, Cursor cursor) {
        int low = 0;
        int high = lines.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cursor.precedes(lines.get(mid))) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** The domain dimension a query's grouping maps to. */
    public static UsageDimension dimension(GroupBy groupBy) {
        return switch (groupBy) {
            case CREATOR -> UsageDimension.CREATOR;
            case MODEL -> UsageDimension.MODEL;
            case OPERATION -> UsageDimension.OPERATION;
            case TIER -> UsageDimension.TIER;
            case DEPLOYMENT -> UsageDimension.DEPLOYMENT;
        };
    }

    private static Line line(String key, UsageTotals t) {
        return new Line(key, t.requests(), t.tokens(), t.cost());
    }
}

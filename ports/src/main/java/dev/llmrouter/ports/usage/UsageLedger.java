package dev.llmrouter.ports.usage;

import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Outbound port: where usage records go (Requirement 5.1), and the queries over them
 * (Requirement 5.3), answered by the ledger itself so that a database does the {@code GROUP BY} and
 * the paging where the records are.
 *
 * <p>Implementations must make {@link #append} and {@link #appendAll} safe to call from many threads
 * and must not lose a record once they returned, except where they state a bound: an in-memory
 * ledger may keep the newest records up to its bound and count what it drops; a durable one keeps
 * everything. Queries see every record whose append returned. A query answers only the account's
 * records with {@code from <= time < to}; {@code from >= to} is an empty range.
 * {@code UsageLedgerContract} (the {@code ports} test jar) states each behaviour as a test.
 *
 * <p>A database implements it with one table indexed on {@code (account_id, time, seq)}: totals are
 * {@code SELECT key, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cost_nanos) ... GROUP BY key},
 * the listing a keyset page {@code WHERE (time, seq) > (:time, :seq) ORDER BY time, seq LIMIT :n}.
 */
public interface UsageLedger {

    void append(UsageRecord record);

    /**
     * Appends every record, in order; a store may write them in one round trip. Each is held once this
     * returns, as if appended one by one.
     */
    default void appendAll(List<UsageRecord> records) {
        for (UsageRecord record : records) {
            append(record);
        }
    }

    /**
     * The account's records with {@code from <= time < to}, grouped by {@code by}: one group per key,
     * sorted by cost (highest first) then key, and the total over all of them; money exact.
     */
    UsageSummary totals(String accountId, Instant from, Instant to, UsageDimension by);

    /**
     * One page of the account's records with {@code from <= time < to}, in time order (records of the
     * same time in append order): at most {@code limit} records after {@code after} (a cursor from a
     * previous page's {@link RecordPage#next()}), or from the first.
     */
    RecordPage records(String accountId, Instant from, Instant to, int limit, Optional<String> after);

    /** Every record of the account in the range, in time order, page after page (tests, exports). */
    default List<UsageRecord> records(String accountId, Instant from, Instant to) {
        List<UsageRecord> all = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            RecordPage page = records(accountId, from, to, 1_000, after);
            all.addAll(page.records());
            after = page.next();
        } while (after.isPresent());
        return all;
    }

    /**
     * A page of records and where the next one starts: an opaque cursor the ledger understands,
     * empty on the last page. A cursor is a position, not an offset: records appended between two
     * pages do not make a page repeat or skip a record already placed before the cursor.
     */
    record RecordPage(List<UsageRecord> records, Optional<String> next) {
        public RecordPage {
            records = List.copyOf(records);
            next = Objects.requireNonNullElse(next, Optional.empty());
        }
    }
}

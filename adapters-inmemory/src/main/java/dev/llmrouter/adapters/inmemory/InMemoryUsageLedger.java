package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.domain.usage.UsageAggregation;
import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageSummary;
import dev.llmrouter.ports.usage.UsageLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link UsageLedger} in memory: for tests, demos, and embedding services that ship records elsewhere.
 *
 * <h2>Structure</h2>
 * One {@link ConcurrentSkipListMap} per account, keyed by (record time, append sequence). The sequence
 * is a global counter, so two records with the same time never collide and keep their append order.
 * {@link #append} is lock-free (a hash lookup, a counter increment and a skip-list insert: O(log n) in
 * the account's records): once it returns, the record is visible to every later query until the bound
 * drops it. A range query is a {@code subMap} view: O(log n + k) for k results, in time order.
 * Records may arrive slightly out of time order (they carry their completion time); the skip list
 * places each one where it belongs.
 *
 * <h2>Bound</h2>
 * Unbounded only when built without a bound (tests, short-lived tools). A bounded ledger keeps
 * at most {@code maxRecords} records over all accounts; each append beyond the bound drops the oldest
 * record held (oldest by append order, which is completion order give or take the few requests in
 * flight), so memory is bounded whatever the number of accounts. Appends go through a global FIFO
 * ({@link ConcurrentLinkedQueue}) beside the per-account skip lists: the append that takes the count
 * over the bound polls the queue's head and removes that record from its account, so every append does
 * O(1) extra work (plus the skip list's O(log n) removal) and nothing waits on a lock. While appends
 * race, the count may exceed the bound by the number of appenders between their increment and their
 * drop; once appends have returned it is within the bound. Dropped records are counted in
 * {@link #dropped()} (exported as a metric by whoever wires the ledger). A query answers exactly the
 * records still held: aggregates over a range are correct for what is kept, and a range older than the
 * oldest record held silently lacks what was dropped. Keeping everything is a durable ledger's job.
 *
 * <h2>The schema a database implementation implies</h2>
 * <pre>{@code
 * CREATE TABLE usage_record (
 *   seq                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- append order
 *   request_id         TEXT        NOT NULL,   -- UNIQUE where non-empty makes appends idempotent
 *   time               TIMESTAMPTZ NOT NULL,   -- completion time, microsecond precision or finer
 *   account_id         TEXT        NOT NULL,
 *   creator            TEXT        NOT NULL DEFAULT '',
 *   plan_id            TEXT        NOT NULL,
 *   operation          TEXT        NOT NULL DEFAULT '',
 *   requested_tier     TEXT        NULL,
 *   tier               TEXT        NOT NULL,
 *   model              TEXT        NOT NULL,
 *   deployment         TEXT        NOT NULL,
 *   region             TEXT        NOT NULL,
 *   input_tokens       BIGINT      NOT NULL,
 *   output_tokens      BIGINT      NOT NULL,
 *   cost_nanos         BIGINT      NOT NULL,   -- exact nano-dollars; never a float column
 *   latency_nanos      BIGINT      NOT NULL,
 *   ttft_nanos         BIGINT      NULL,
 *   outcome            TEXT        NOT NULL,
 *   path               TEXT        NOT NULL    -- attempts, comma-separated, in order
 * );
 * CREATE INDEX usage_record_account_time ON usage_record (account_id, time, seq);
 * -- records(a, from, to, n, after): WHERE account_id = a AND time >= from AND time < to
 * --   AND (time, seq) > (:after_time, :after_seq) ORDER BY time, seq LIMIT n
 * -- totals(a, from, to, creator): the same range, GROUP BY creator, SUM(cost_nanos), ...
 * }</pre>
 * Here the totals are {@link UsageAggregation} over the range's records, and a listing's cursor is
 * the last record's key (its time and append sequence).
 */
public final class InMemoryUsageLedger implements UsageLedger {

    /** Orders by time, then by append sequence (ties keep append order). */
    private record Key(Instant time, long seq) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int byTime = time.compareTo(o.time);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }

        /** Sorts before every real key at {@code time} (real sequences are never negative). */
        static Key lowest(Instant time) {
            return new Key(time, Long.MIN_VALUE);
        }

        /** The cursor text: epoch second, nano and sequence. */
        String format() {
            return time.getEpochSecond() + "." + time.getNano() + "." + seq;
        }

        /** A cursor this ledger wrote. */
        static Key parse(String cursor) {
            String[] parts = cursor.split("\\.", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a cursor of this ledger: " + cursor);
            }
            try {
                return new Key(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                        Long.parseLong(parts[2]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a cursor of this ledger: " + cursor, e);
            }
        }
    }

    private static final class AccountLog {
        final ConcurrentSkipListMap<Key, UsageRecord> entries = new ConcurrentSkipListMap<>();
    }

    /** One record held, in the global append order: where to remove it from when it is dropped. */
    private record Held(AccountLog log, Key key) {}

    private final long maxRecords;
    private final ConcurrentHashMap<String, AccountLog> accounts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Held> appendOrder = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong size = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * A ledger that keeps at most {@code maxRecords} records over all accounts, dropping the oldest.
     *
     * @throws IllegalArgumentException if {@code maxRecords} is not positive
     */
    public InMemoryUsageLedger(long maxRecords) {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("maxRecords must be at least 1: " + maxRecords);
        }
        this.maxRecords = maxRecords;
    }

    /** A ledger that keeps every record: memory grows with them (several hundred bytes each). */
    public InMemoryUsageLedger() {
        this(Long.MAX_VALUE);
    }

    @Override
    public void append(UsageRecord record) {
        Objects.requireNonNull(record, "record");
        AccountLog log = accounts.computeIfAbsent(record.accountId(), a -> new AccountLog());
        Key key = new Key(record.time(), sequence.getAndIncrement());
        log.entries.put(key, record);
        if (maxRecords == Long.MAX_VALUE) {
            size.incrementAndGet();
            return;
        }
        // Queued before counted, so that an appender who sees the count over the bound finds a record to drop.
        appendOrder.add(new Held(log, key));
        if (size.incrementAndGet() > maxRecords) {
            dropOldest();
        }
    }

    @Override
    public UsageSummary totals(String accountId, Instant from, Instant to, UsageDimension by) {
        Objects.requireNonNull(by, "by");
        return UsageAggregation.aggregate(range(accountId, from, to).values(), by);
    }

    @Override
    public RecordPage records(String accountId, Instant from, Instant to, int limit, Optional<String> after) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        NavigableMap<Key, UsageRecord> range = range(accountId, from, to);
        if (after.isPresent()) {
            range = range.tailMap(Key.parse(after.get()), false);
        }
        List<UsageRecord> page = new ArrayList<>(Math.min(limit, 64));
        Key last = null;
        for (Map.Entry<Key, UsageRecord> entry : range.entrySet()) {
            if (page.size() == limit) {
                return new RecordPage(page, Optional.of(last.format()));
            }
            page.add(entry.getValue());
            last = entry.getKey();
        }
        return new RecordPage(page, Optional.empty());
    }

    /** The account's records with {@code from <= time < to}, a view. */
    private NavigableMap<Key, UsageRecord> range(String accountId, Instant from, Instant to) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        AccountLog log = accounts.get(accountId);
        if (log == null || !from.isBefore(to)) {
            return EMPTY;
        }
        return log.entries.subMap(Key.lowest(from), true, Key.lowest(to), false);
    }

    private static final NavigableMap<Key, UsageRecord> EMPTY = new ConcurrentSkipListMap<>();

    /** Records held now, over every account. */
    public long size() {
        return size.get();
    }

    /** Records dropped to stay within the bound so far. */
    public long dropped() {
        return dropped.get();
    }

    /** The most records held ({@link Long#MAX_VALUE}: no bound). */
    public long maxRecords() {
        return maxRecords;
    }

    /** Every record held, over every account, in time order (then append order). For tests and exports. */
    public List<UsageRecord> all() {
        List<Map.Entry<Key, UsageRecord>> entries = new ArrayList<>();
        for (AccountLog log : accounts.values()) {
            entries.addAll(log.entries.entrySet());
        }
        entries.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        return entries.stream().map(Map.Entry::getValue).toList();
    }

    private void dropOldest() {
        Held oldest = appendOrder.poll();
        if (oldest == null) {
            return;
        }
        oldest.log().entries.remove(oldest.key());
        size.decrementAndGet();
        dropped.incrementAndGet();
    }
}

package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.domain.usage.UsageAggregation;
import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageSummary;
import dev.llmrouter.ports.usage.UsageLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link UsageLedger} in memory: for tests, demos, and embedding services that ship records elsewhere.
 *
 * <h2>Structure</h2>
 * Every record gets an append sequence, a ledger-wide counter, so that two records with the same time
 * never collide and keep their append order. Each account keeps its records in an array ring sorted
 * by (record time, sequence). Records carry their completion time, so they arrive in time order give
 * or take the few requests in flight: an append places its record by stepping back from the newest
 * (nearly always zero steps), with no allocation per record. A range query is two binary searches
 * (O(log n + k) for k results, in time order).
 *
 * <p>One lock guards the whole ledger: an append holds it for a hash lookup and a few array writes,
 * which costs less than a lock-free ordered map's node allocations and index searches, and keeps the
 * bound exact at every instant. Once {@link #append} returns, the record is visible to every later
 * query until the bound drops it. A query copies its page (or its range, for totals) under the lock
 * and does the rest outside it.
 *
 * <h2>Bound</h2>
 * Unbounded only when built without a bound (tests, short-lived tools). A bounded ledger keeps
 * at most {@code maxRecords} records over all accounts; each append beyond the bound drops the oldest
 * record held (oldest by append order, which is completion order give or take the few requests in
 * flight), so memory is bounded whatever the number of accounts. The append order is a second ring of
 * (account, sequence) beside the accounts' rings: the append that takes the count over the bound takes
 * its head and removes that record from its account, whose oldest arrival sits at or next to the front
 * of its time order, so every append does O(1) extra work. Dropped records are counted in
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
 * the last record's position (its time and append sequence).
 */
public final class InMemoryUsageLedger implements UsageLedger {

    /** A position in time order: a record's time, then its append sequence (ties keep append order). */
    private record Key(Instant time, long seq) {

        /** Sorts before every real key at {@code time} (real sequences are never negative). */
        static Key lowest(Instant time) {
            return new Key(time, Long.MIN_VALUE);
        }

        /** The cursor text: epoch second, nano and sequence. */
        static String format(Instant time, long seq) {
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

    /**
     * One account's records, sorted by (time, sequence), in a ring of power-of-two capacity: logical
     * index {@code i} lives at {@code (head + i) & mask}. Guarded by the ledger's lock.
     */
    private static final class AccountLog {
        final String account;
        private UsageRecord[] records = new UsageRecord[8];
        private long[] seqs = new long[8];
        private int head;
        private int size;

        AccountLog(String account) {
            this.account = account;
        }

        UsageRecord record(int i) {
            return records[(head + i) & (records.length - 1)];
        }

        long seq(int i) {
            return seqs[(head + i) & (seqs.length - 1)];
        }

        private void set(int i, UsageRecord record, long seq) {
            int slot = (head + i) & (records.length - 1);
            records[slot] = record;
            seqs[slot] = seq;
        }

        /** Adds the newest-sequenced record at its place in time order: stepping back from the end. */
        void insert(UsageRecord record, long seq) {
            if (size == records.length) {
                grow();
            }
            Instant time = record.time();
            int at = size;
            while (at > 0 && record(at - 1).time().isAfter(time)) {
                at--;
            }
            for (int i = size; i > at; i--) {
                set(i, record(i - 1), seq(i - 1));
            }
            set(at, record, seq);
            size++;
        }

        /** Removes the record of sequence {@code seq}: searched from the front, where the oldest arrivals are. */
        void remove(long seq) {
            int at = 0;
            while (seq(at) != seq) {
                at++;
            }
            if (at == 0) {
                records[head] = null;
                head = (head + 1) & (records.length - 1);
            } else {
                for (int i = at; i < size - 1; i++) {
                    set(i, record(i + 1), seq(i + 1));
                }
                set(size - 1, null, 0);
            }
            size--;
        }

        /** The first index whose position is after {@code key} (or at it, when {@code inclusive}). */
        int search(Key key, boolean inclusive) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                int c = record(mid).time().compareTo(key.time());
                if (c == 0) {
                    c = Long.compare(seq(mid), key.seq());
                }
                if (c < 0 || (c == 0 && !inclusive)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private void grow() {
            UsageRecord[] grownRecords = new UsageRecord[records.length * 2];
            long[] grownSeqs = new long[seqs.length * 2];
            for (int i = 0; i < size; i++) {
                grownRecords[i] = record(i);
                grownSeqs[i] = seq(i);
            }
            records = grownRecords;
            seqs = grownSeqs;
            head = 0;
        }
    }

    /** The append order of every record held: (account, sequence) pairs in a ring. Guarded by the lock. */
    private static final class ArrivalOrder {
        private AccountLog[] logs = new AccountLog[16];
        private long[] seqs = new long[16];
        private int head;
        private int size;

        void add(AccountLog log, long seq) {
            if (size == logs.length) {
                AccountLog[] grownLogs = new AccountLog[logs.length * 2];
                long[] grownSeqs = new long[seqs.length * 2];
                for (int i = 0; i < size; i++) {
                    int slot = (head + i) & (logs.length - 1);
                    grownLogs[i] = logs[slot];
                    grownSeqs[i] = seqs[slot];
                }
                logs = grownLogs;
                seqs = grownSeqs;
                head = 0;
            }
            int slot = (head + size) & (logs.length - 1);
            logs[slot] = log;
            seqs[slot] = seq;
            size++;
        }

        /** Removes the oldest arrival from its account's log and returns that log. */
        AccountLog dropOldest() {
            AccountLog log = logs[head];
            log.remove(seqs[head]);
            logs[head] = null;
            head = (head + 1) & (logs.length - 1);
            size--;
            return log;
        }
    }

    private final Object lock = new Object();
    private final long maxRecords;
    private final Map<String, AccountLog> accounts = new HashMap<>();
    /** Null when unbounded: nothing is ever dropped. */
    private final ArrivalOrder arrivals;
    private long sequence;
    private long size;
    private long dropped;

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
        this.arrivals = maxRecords == Long.MAX_VALUE ? null : new ArrivalOrder();
    }

    /** A ledger that keeps every record: memory grows with them (several hundred bytes each). */
    public InMemoryUsageLedger() {
        this(Long.MAX_VALUE);
    }

    @Override
    public void append(UsageRecord record) {
        Objects.requireNonNull(record, "record");
        String account = record.accountId();
        synchronized (lock) {
            AccountLog log = accounts.get(account);
            if (log == null) {
                log = new AccountLog(account);
                accounts.put(account, log);
            }
            long seq = sequence++;
            log.insert(record, seq);
            size++;
            if (arrivals == null) {
                return;
            }
            arrivals.add(log, seq);
            if (size > maxRecords) {
                AccountLog emptied = arrivals.dropOldest();
                size--;
                dropped++;
                if (emptied.size == 0) {
                    accounts.remove(emptied.account);
                }
            }
        }
    }

    @Override
    public UsageSummary totals(String accountId, Instant from, Instant to, UsageDimension by) {
        Objects.requireNonNull(by, "by");
        checkRange(accountId, from, to);
        List<UsageRecord> range = new ArrayList<>();
        synchronized (lock) {
            AccountLog log = accounts.get(accountId);
            if (log != null && from.isBefore(to)) {
                int end = log.search(Key.lowest(to), true);
                for (int i = log.search(Key.lowest(from), true); i < end; i++) {
                    range.add(log.record(i));
                }
            }
        }
        return UsageAggregation.aggregate(range, by);
    }

    @Override
    public RecordPage records(String accountId, Instant from, Instant to, int limit, Optional<String> after) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        checkRange(accountId, from, to);
        Key cursor = after.map(Key::parse).orElse(null);
        List<UsageRecord> page = new ArrayList<>(Math.min(limit, 64));
        synchronized (lock) {
            AccountLog log = accounts.get(accountId);
            if (log == null || !from.isBefore(to)) {
                return new RecordPage(page, Optional.empty());
            }
            int start = log.search(Key.lowest(from), true);
            if (cursor != null) {
                start = Math.max(start, log.search(cursor, false));
            }
            int end = log.search(Key.lowest(to), true);
            for (int i = start; i < end; i++) {
                if (page.size() == limit) {
                    UsageRecord last = log.record(i - 1);
                    return new RecordPage(page, Optional.of(Key.format(last.time(), log.seq(i - 1))));
                }
                page.add(log.record(i));
            }
        }
        return new RecordPage(page, Optional.empty());
    }

    private static void checkRange(String accountId, Instant from, Instant to) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }

    /** Records held now, over every account. */
    public long size() {
        synchronized (lock) {
            return size;
        }
    }

    /** Records dropped to stay within the bound so far. */
    public long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    /** The most records held ({@link Long#MAX_VALUE}: no bound). */
    public long maxRecords() {
        return maxRecords;
    }

    /** Every record held, over every account, in time order (then append order). For tests and exports. */
    public List<UsageRecord> all() {
        List<Map.Entry<Key, UsageRecord>> entries = new ArrayList<>();
        synchronized (lock) {
            for (AccountLog log : accounts.values()) {
                for (int i = 0; i < log.size; i++) {
                    UsageRecord r = log.record(i);
                    entries.add(Map.entry(new Key(r.time(), log.seq(i)), r));
                }
            }
        }
        entries.sort(Map.Entry.comparingByKey(
                Comparator.comparing(Key::time).thenComparingLong(Key::seq)));
        return entries.stream().map(Map.Entry::getValue).toList();
    }
}

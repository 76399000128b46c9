package dev.llmrouter.ports.usage;

import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link UsageLedger} in memory: for tests, demos, and embedding services that ship records elsewhere.
 *
 * <h2>Structure</h2>
 * One {@link ConcurrentSkipListMap} per account, keyed by (record time, append sequence). The sequence
 * is a global counter, so two records with the same time never collide and keep their append order.
 * {@link #append} is lock-free (a hash lookup, a counter increment and a skip-list insert: O(log n) in
 * the account's records) and never loses a record: once it returns, the record is visible to every
 * later query. A range query is a {@code subMap} view: O(log n + k) for k results, in time order.
 * Records may arrive slightly out of time order (they carry their completion time); the skip list
 * places each one where it belongs.
 *
 * <h2>Retention</h2>
 * Unbounded by default (memory grows with the records, several hundred bytes each). A {@link Retention}
 * bounds each account by a number of records, by age, or both; the oldest records are evicted first.
 * Age is measured from the newest record appended to the account (not from a clock), so that eviction
 * is deterministic and needs no time source; pick an age longer than the longest period usage is
 * queried over (a quota month: 35 days). Eviction runs on the appending thread, under a per-account
 * lock that appenders only try (never wait for); a bound may therefore be exceeded by the number of
 * concurrent appenders for a moment, until the next append to that account. Evicted records are counted
 * in {@link #evicted()}.
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
 * -- records(a, from, to): WHERE account_id = a AND time >= from AND time < to ORDER BY time, seq
 * }</pre>
 * Aggregation can then be pushed down ({@code GROUP BY creator ... SUM(cost_nanos)}) or done with
 * {@link dev.llmrouter.domain.usage.UsageAggregation} over the range, as {@link UsageReporter} does.
 */
public final class InMemoryUsageLedger implements UsageLedger {

    /**
     * How much each account keeps.
     *
     * @param maxRecordsPerAccount the most records kept per account ({@link Integer#MAX_VALUE}: no limit)
     * @param maxAge               records older than this before the account's newest are evicted; empty: no limit
     */
    public record Retention(int maxRecordsPerAccount, Optional<Duration> maxAge) {

        public static final Retention UNBOUNDED = new Retention(Integer.MAX_VALUE, Optional.empty());

        public Retention {
            if (maxRecordsPerAccount < 1) {
                throw new IllegalArgumentException("maxRecordsPerAccount must be at least 1: " + maxRecordsPerAccount);
            }
            maxAge = maxAge == null ? Optional.empty() : maxAge;
            maxAge.ifPresent(age -> {
                if (age.isNegative() || age.isZero()) {
                    throw new IllegalArgumentException("maxAge must be positive: " + age);
                }
            });
        }

        public static Retention maxRecordsPerAccount(int max) {
            return new Retention(max, Optional.empty());
        }

        public static Retention maxAge(Duration age) {
            return new Retention(Integer.MAX_VALUE, Optional.of(age));
        }

        public Retention withMaxAge(Duration age) {
            return new Retention(maxRecordsPerAccount, Optional.of(age));
        }

        boolean bounded() {
            return maxRecordsPerAccount != Integer.MAX_VALUE || maxAge.isPresent();
        }
    }

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
    }

    private static final class AccountLog {
        final ConcurrentSkipListMap<Key, UsageRecord> entries = new ConcurrentSkipListMap<>();
        /** Never above the number of entries: incremented after the insert, decremented before a removal. */
        final AtomicInteger count = new AtomicInteger();
        final ReentrantLock evicting = new ReentrantLock();
    }

    private final Retention retention;
    private final ConcurrentHashMap<String, AccountLog> accounts = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong size = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();

    /** An unbounded ledger. */
    public InMemoryUsageLedger() {
        this(Retention.UNBOUNDED);
    }

    public InMemoryUsageLedger(Retention retention) {
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    @Override
    public void append(UsageRecord record) {
        Objects.requireNonNull(record, "record");
        AccountLog log = accounts.computeIfAbsent(record.accountId(), a -> new AccountLog());
        log.entries.put(new Key(record.time(), sequence.getAndIncrement()), record);
        log.count.incrementAndGet();
        size.incrementAndGet();
        if (retention.bounded()) {
            evict(log);
        }
    }

    @Override
    public List<UsageRecord> records(String accountId, Instant from, Instant to) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        AccountLog log = accounts.get(accountId);
        if (log == null || !from.isBefore(to)) {
            return List.of();
        }
        return List.copyOf(log.entries.subMap(Key.lowest(from), true, Key.lowest(to), false).values());
    }

    /** Records held now, over every account. */
    public long size() {
        return size.get();
    }

    /** Records evicted by retention so far. */
    public long evicted() {
        return evicted.get();
    }

    public Retention retention() {
        return retention;
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

    /**
     * Only the lock holder removes entries, so {@code count <= entries} holds and a poll under the lock
     * always finds an entry. An appender that finds the lock taken leaves the work to the holder: appends
     * never wait on eviction. The holder checks the bound again after unlocking, so an append that raced
     * with its last check is not left over the bound once appends stop.
     */
    private void evict(AccountLog log) {
        while (overBound(log) && log.evicting.tryLock()) {
            try {
                while (overBound(log)) {
                    removeOldest(log);
                }
            } finally {
                log.evicting.unlock();
            }
        }
    }

    private boolean overBound(AccountLog log) {
        if (log.count.get() > retention.maxRecordsPerAccount()) {
            return true;
        }
        if (retention.maxAge().isEmpty() || log.count.get() <= 0) {
            return false;
        }
        Map.Entry<Key, UsageRecord> oldest = log.entries.firstEntry();
        Map.Entry<Key, UsageRecord> newest = log.entries.lastEntry();
        return oldest != null && newest != null
                && oldest.getKey().time().isBefore(newest.getKey().time().minus(retention.maxAge().get()));
    }

    private void removeOldest(AccountLog log) {
        log.count.decrementAndGet();
        log.entries.pollFirstEntry();
        size.decrementAndGet();
        evicted.incrementAndGet();
    }
}

package dev.llmrouter.adapters.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageGroup;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageSummary;
import dev.llmrouter.domain.usage.UsageTotals;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.ports.usage.UsageLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * The usage ledger in a SQL database: PostgreSQL in production, an H2 file as the embedded default
 * (Requirements 5.1, 5.3, 7.1, 7.6).
 *
 * <h2>Schema and queries</h2>
 * One table, {@code usage_record} (Flyway migrations {@code V1__usage_record.sql}, {@code V2__token_kinds_and_spillover.sql}): every field of a
 * {@link UsageRecord}, times and money as exact integers (epoch nanoseconds, nano-dollars), the request
 * id UNIQUE, an index on {@code (account_id, time_nanos, seq)}. {@link #totals} is one {@code GROUP BY}
 * over that index's range; {@link #records} is a keyset page, {@code (time_nanos, seq) > cursor}.
 *
 * <h2>What is durable when</h2>
 * {@link #append} returns only once the record is durable, in one of two places:
 * <ul>
 *   <li>committed in the database (PostgreSQL: {@code COMMIT} with its {@code synchronous_commit};
 *       H2 with {@link #h2FileUrl}: written to the file before the commit returns, so it survives the
 *       process, not a power cut);</li>
 *   <li>or, while the database does not answer, forced ({@code fdatasync}) to the local spool file
 *       under the spool directory, from which it is shipped to the database when it answers again,
 *       and at the next start if the process dies first.</li>
 * </ul>
 * Appends are group-committed by one committer thread ({@link GroupCommitter}): concurrent appends
 * share one transaction. A record written twice (a replay, a spool shipped again after a crash) is
 * stored once, by its request id; a record without a request id has no such key and is stored each
 * time it is written. When neither place takes a record within {@code appendTimeout} (the queue is
 * full, the spool's disk fails, the committer stopped), {@code append} throws
 * {@link UsageLedgerUnavailableException}: the router logs it and keeps serving, and that record is
 * not guaranteed (it may still be written, once). The cost is the wait for the batch's commit; the
 * README's ledger section gives it measured.
 *
 * <p>Queries see every record whose append returned: while this process has spooled records not yet
 * shipped, {@link #totals} and {@link #records} throw {@link UsageLedgerUnavailableException} rather than
 * answer without them (an account's month rebuilt from a partial ledger would admit overspend). Another
 * process's spool is not seen until it ships.
 *
 * <p>Thread-safe. {@link #close} writes what is queued, then stops the committer.
 */
public final class JdbcUsageLedger implements UsageLedger, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JdbcUsageLedger.class.getName());
    private static final int MAX_REQUEST_ID = 256;

    private final DataSource dataSource;
    private final boolean ownsDataSource;
    private final UsageSpool spool;
    private final BlockingQueue<GroupCommitter.Submission> queue;
    private final GroupCommitter committer;
    private final Thread thread;
    private final int maxBatch;
    private final long appendTimeoutNanos;
    private volatile boolean closed;

    private JdbcUsageLedger(Builder b) {
        this.dataSource = b.dataSource;
        this.ownsDataSource = b.ownsDataSource;
        this.maxBatch = b.maxBatch;
        this.appendTimeoutNanos = b.appendTimeout.toNanos();
        try {
            this.spool = new UsageSpool(b.spoolDirectory, skipped -> b.listener.spoolLinesSkipped(skipped));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage spool under " + b.spoolDirectory, e);
        }
        this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
        this.committer = new GroupCommitter(queue, dataSource, spool, b.listener, b.checkpoints, b.maxBatch,
                b.retryInterval.toNanos(), b.ticker);
        try {
            committer.schema();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "usage ledger: the database does not answer at start (" + e
                    + "); appends go to the spool until it does");
        }
        this.thread = new Thread(committer, "usage-ledger-committer");
        thread.setDaemon(true);
        thread.start();
    }

    /** A ledger on {@code dataSource}; set the spool directory, then {@link Builder#build()}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * A connection pool for the ledger: small (one committer and the queries), a short connection
     * timeout (a batch waits at most that long before it goes to the spool), started even when the
     * database is down; on PostgreSQL, batched inserts rewritten into multi-row statements.
     */
    public static HikariDataSource pool(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("usage-ledger");
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(1_000);
        config.setValidationTimeout(500);
        config.setInitializationFailTimeout(-1);
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            config.addDataSourceProperty("connectTimeout", "2");
            config.addDataSourceProperty("socketTimeout", "10");
        }
        return new HikariDataSource(config);
    }

    /**
     * The JDBC URL of an H2 file database at {@code file} (H2 adds {@code .mv.db}) that writes each
     * commit to the file before returning, instead of within H2's default write delay.
     */
    public static String h2FileUrl(Path file) {
        return "jdbc:h2:file:" + file.toAbsolutePath() + ";WRITE_DELAY=0";
    }

    @Override
    public void append(UsageRecord record) {
        Objects.requireNonNull(record, "record");
        long deadline = System.nanoTime() + appendTimeoutNanos;
        await(submit(List.of(record), deadline), deadline);
    }

    @Override
    public void appendAll(List<UsageRecord> records) {
        long deadline = System.nanoTime() + appendTimeoutNanos;
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int from = 0; from < records.size(); from += maxBatch) {
            pending.add(submit(records.subList(from, Math.min(records.size(), from + maxBatch)), deadline));
        }
        for (CompletableFuture<Void> p : pending) {
            await(p, deadline);
        }
    }

    private CompletableFuture<Void> submit(List<UsageRecord> records, long deadline) {
        for (UsageRecord r : records) {
            UsageRows.epochNanos(r.time());
            if (r.requestId().length() > MAX_REQUEST_ID) {
                throw new IllegalArgumentException("a request id is at most " + MAX_REQUEST_ID + " characters");
            }
        }
        refuseIfStopped();
        GroupCommitter.Submission s = new GroupCommitter.Submission(List.copyOf(records), new CompletableFuture<>());
        try {
            if (!queue.offer(s, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new UsageLedgerUnavailableException("usage ledger queue full: the record was not taken");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageLedgerUnavailableException("interrupted before the record was taken", e);
        }
        if (committer.death() != null || !thread.isAlive()) {
            committer.failQueued();
        }
        return s.done();
    }

    private void await(CompletableFuture<Void> done, long deadline) {
        try {
            done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new UsageLedgerUnavailableException("usage record not durable within "
                    + Duration.ofNanos(appendTimeoutNanos) + "; it may still be written, once", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UsageLedgerUnavailableException u) {
                throw u;
            }
            throw new UsageLedgerUnavailableException("usage record not written", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageLedgerUnavailableException("interrupted while the record was being written", e);
        }
    }

    private void refuseIfStopped() {
        if (closed) {
            throw new UsageLedgerUnavailableException("usage ledger is closed");
        }
        if (committer.death() != null) {
            throw new UsageLedgerUnavailableException("usage ledger committer stopped", committer.death());
        }
    }

    @Override
    public UsageSummary totals(String accountId, Instant from, Instant to, UsageDimension by) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(by, "by");
        if (!from.isBefore(to)) {
            return new UsageSummary(by, List.of(), UsageTotals.ZERO);
        }
        String key = column(by);
        String sql = "SELECT " + key + ", COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cost_nanos),"
                + " SUM(cached_input_tokens), SUM(cache_write_tokens), SUM(reasoning_tokens) FROM usage_record WHERE account_id = ? AND time_nanos >= ? AND time_nanos < ? GROUP BY " + key;
        List<UsageGroup> groups = new ArrayList<>();
        UsageTotals total = UsageTotals.ZERO;
        try (Connection c = queryConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, accountId);
            s.setLong(2, clampedNanos(from));
            s.setLong(3, clampedNanos(to));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    TokenUsage tokens = new TokenUsage(rs.getBigDecimal(3).longValueExact(),
                            rs.getBigDecimal(4).longValueExact(), rs.getBigDecimal(6).longValueExact(),
                            rs.getBigDecimal(7).longValueExact(), rs.getBigDecimal(8).longValueExact());
                    UsageTotals t = new UsageTotals(rs.getLong(2), tokens,
                            Money.ofNanos(rs.getBigDecimal(5).longValueExact()));
                    groups.add(new UsageGroup(Objects.requireNonNullElse(rs.getString(1), ""), t));
                    total = total.plus(t);
                }
            }
        } catch (SQLException e) {
            throw new UsageLedgerUnavailableException("usage ledger query failed: " + e.getMessage(), e);
        }
        groups.sort(UsageGroup.BY_COST_DESC_THEN_KEY);
        return new UsageSummary(by, groups, total);
    }

    @Override
    public RecordPage records(String accountId, Instant from, Instant to, int limit, Optional<String> after) {
        Objects.requireNonNull(accountId, "accountId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        long[] cursor = after.map(JdbcUsageLedger::parseCursor).orElse(new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
        if (!from.isBefore(to)) {
            return new RecordPage(List.of(), Optional.empty());
        }
        String sql = "SELECT " + UsageRows.COLUMNS + ", seq FROM usage_record"
                + " WHERE account_id = ? AND time_nanos >= ? AND time_nanos < ? AND (time_nanos, seq) > (?, ?)"
                + " ORDER BY time_nanos, seq LIMIT ?";
        List<UsageRecord> page = new ArrayList<>(Math.min(limit, 256));
        long lastTime = 0;
        long lastSeq = 0;
        boolean more = false;
        try (Connection c = queryConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, accountId);
            s.setLong(2, clampedNanos(from));
            s.setLong(3, clampedNanos(to));
            s.setLong(4, cursor[0]);
            s.setLong(5, cursor[1]);
            s.setInt(6, limit + 1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (page.size() == limit) {
                        more = true;
                        break;
                    }
                    page.add(UsageRows.read(rs));
                    lastTime = rs.getLong(2);
                    lastSeq = rs.getLong(UsageRows.COLUMN_COUNT + 1);
                }
            }
        } catch (SQLException e) {
            throw new UsageLedgerUnavailableException("usage ledger query failed: " + e.getMessage(), e);
        }
        return new RecordPage(page, more ? Optional.of(lastTime + "." + lastSeq) : Optional.empty());
    }

    /** Records on the local spool, not yet in the database (a gauge: non-zero while the database is away). */
    public long spoolBacklog() {
        return committer.spoolBacklog();
    }

    /**
     * Waits until every spooled record is in the database (after an outage, before a planned stop).
     *
     * @return false if records are still on the spool after {@code timeout}
     */
    public boolean awaitSpoolShipped(Duration timeout) throws InterruptedException {
        return committer.awaitSpoolShipped(timeout.toNanos());
    }

    /** Submissions waiting for the committer (a gauge). */
    public int queued() {
        return queue.size();
    }

    /**
     * Writes what is queued, stops the committer and closes the spool (and the pool, when the ledger
     * made it). Records still on the spool stay there for the next start.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (thread.isAlive() && committer.death() == null) {
                queue.put(GroupCommitter.Submission.STOP);
            }
            thread.join(TimeUnit.NANOSECONDS.toMillis(appendTimeoutNanos) + 1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        committer.failQueued();
        try {
            spool.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "usage ledger: closing the spool failed", e);
        }
        if (ownsDataSource && dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "usage ledger: closing the pool failed", e);
            }
        }
    }

    private Connection queryConnection() throws SQLException {
        long backlog = committer.spoolBacklog();
        if (backlog > 0) {
            throw new UsageLedgerUnavailableException(backlog + " usage records are on the local spool, not yet in"
                    + " the database: the ledger cannot answer for them yet");
        }
        committer.schema();
        return dataSource.getConnection();
    }

    private static String column(UsageDimension by) {
        return switch (by) {
            case CREATOR -> "creator";
            case MODEL -> "model";
            case OPERATION -> "operation";
            case TIER -> "tier";
            case DEPLOYMENT -> "deployment";
            case REGION -> "region";
        };
    }

    /** Epoch nanoseconds, an instant outside the range the table can hold clamped to its end. */
    private static long clampedNanos(Instant t) {
        if (t.isBefore(UsageRows.instant(Long.MIN_VALUE))) {
            return Long.MIN_VALUE;
        }
        if (t.isAfter(UsageRows.instant(Long.MAX_VALUE))) {
            return Long.MAX_VALUE;
        }
        return UsageRows.epochNanos(t);
    }

    private static long[] parseCursor(String cursor) {
        String[] parts = cursor.split("\\.", -1);
        try {
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor of this ledger: " + cursor, e);
        }
        throw new IllegalArgumentException("not a cursor of this ledger: " + cursor);
    }

    /** How a {@link JdbcUsageLedger} is built; every setting but the spool directory has a default. */
    public static final class Builder {
        private final DataSource dataSource;
        private boolean ownsDataSource;
        private Path spoolDirectory;
        private int maxBatch = 1_000;
        private int queueCapacity = 10_000;
        private Duration appendTimeout = Duration.ofSeconds(5);
        private Duration retryInterval = Duration.ofSeconds(1);
        private LedgerListener listener = LedgerListener.NONE;
        private Checkpoint.Observer checkpoints = Checkpoint.Observer.NONE;
        private LongSupplier ticker = System::nanoTime;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** Where the spool file lives: a local disk of this process, kept across restarts. */
        public Builder spoolDirectory(Path directory) {
            this.spoolDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The most records in one transaction (1,000). */
        public Builder maxBatch(int records) {
            this.maxBatch = positive(records, "maxBatch");
            return this;
        }

        /** The most submissions waiting for the committer (10,000); beyond it an append waits, then fails. */
        public Builder queueCapacity(int submissions) {
            this.queueCapacity = positive(submissions, "queueCapacity");
            return this;
        }

        /** How long an append waits for its record to be durable before it fails (5 s). */
        public Builder appendTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("appendTimeout must be positive: " + timeout);
            }
            this.appendTimeout = timeout;
            return this;
        }

        /** How long the database is left alone after it failed, before the spool ships again (1 s). */
        public Builder retryInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("retryInterval cannot be negative: " + interval);
            }
            this.retryInterval = interval;
            return this;
        }

        public Builder listener(LedgerListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The ledger closes the data source when it is closed (a pool made for it by {@link #pool}). */
        public Builder closesDataSource() {
            this.ownsDataSource = true;
            return this;
        }

        Builder checkpoints(Checkpoint.Observer checkpoints) {
            this.checkpoints = checkpoints;
            return this;
        }

        Builder ticker(LongSupplier ticker) {
            this.ticker = ticker;
            return this;
        }

        /** Opens the spool (cutting a torn tail), migrates the schema if the database answers, starts the committer. */
        public JdbcUsageLedger build() {
            if (spoolDirectory == null) {
                throw new IllegalStateException("a JDBC usage ledger needs a spool directory");
            }
            return new JdbcUsageLedger(this);
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
            return value;
        }
    }
}

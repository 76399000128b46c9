package dev.llmrouter.adapters.jdbc;

import dev.llmrouter.domain.usage.UsageRecord;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The ledger's one writer: takes what appenders queued, writes it in one transaction, and acknowledges.
 *
 * <h2>Group commit</h2>
 * The committer takes the first waiting submission, then every other one already queued up to
 * {@code maxBatch} records, and writes them all in one transaction (one batched insert, one commit),
 * then completes each submission's future. While a transaction is in flight, new appends queue, so the
 * next batch is as large as the concurrency: commits per second stay bounded by the database's commit
 * latency, not multiplied by the number of callers.
 *
 * <h2>The spool</h2>
 * When a write fails (the database is unreachable, or the pool has no connection within its timeout),
 * the batch goes to the {@link UsageSpool} and is acknowledged once forced to disk. The database is
 * then considered down until {@code retryInterval} has passed: batches go straight to the spool, with no
 * connection attempt. When the interval has passed, the committer ships a chunk of the spool
 * ({@code maxBatch} records, one transaction); once that succeeds the database is up again, new
 * batches go to it, and the rest of the spool ships a chunk between batches until it is empty.
 * Shipping is idempotent (the unique request id), so a chunk shipped again after a crash is stored once.
 *
 * <p>A {@link Throwable} the committer does not expect (an {@link Error}, a bug) ends it: every
 * submission not yet acknowledged fails, and the ledger refuses appends from then on.
 */
final class GroupCommitter implements Runnable {

    private static final System.Logger LOG = System.getLogger(GroupCommitter.class.getName());

    /** Records submitted together, and the future completed once they are durable. */
    record Submission(List<UsageRecord> records, CompletableFuture<Void> done) {
        static final Submission STOP = new Submission(List.of(), new CompletableFuture<>());
    }

    private final BlockingQueue<Submission> queue;
    private final DataSource dataSource;
    private final UsageSpool spool;
    private final LedgerListener listener;
    private final Checkpoint.Observer checkpoints;
    private final int maxBatch;
    private final long retryIntervalNanos;
    private final LongSupplier ticker;

    private volatile SqlDialect dialect;
    private volatile Throwable death;
    private boolean up;
    private boolean reportedDown;
    private long retryAt;
    private long shipOffset;

    GroupCommitter(BlockingQueue<Submission> queue, DataSource dataSource, UsageSpool spool, LedgerListener listener,
            Checkpoint.Observer checkpoints, int maxBatch, long retryIntervalNanos, LongSupplier ticker) {
        this.queue = queue;
        this.dataSource = dataSource;
        this.spool = spool;
        this.listener = listener;
        this.checkpoints = checkpoints;
        this.maxBatch = maxBatch;
        this.retryIntervalNanos = retryIntervalNanos;
        this.ticker = ticker;
        this.retryAt = ticker.getAsLong();
    }

    /** Records on the spool, not yet in the database. */
    long spoolBacklog() {
        return spool.backlog();
    }

    /** Why the committer stopped, if it did. */
    Throwable death() {
        return death;
    }

    /**
     * The dialect of the migrated schema, migrating it first if no one has: Flyway applies what is
     * missing and is a no-op on an up-to-date database, so every process may call it at start.
     */
    synchronized SqlDialect schema() throws SQLException {
        if (dialect == null) {
            try {
                Flyway.configure()
                        .dataSource(dataSource)
                        .locations("classpath:dev/llmrouter/adapters/jdbc/migration")
                        .table("usage_ledger_schema_history")
                        .load()
                        .migrate();
            } catch (RuntimeException e) {
                throw new SQLException("usage ledger schema migration failed: " + e.getMessage(), "08000", e);
            }
            try (Connection c = dataSource.getConnection()) {
                dialect = SqlDialect.of(c);
            }
        }
        return dialect;
    }

    @Override
    public void run() {
        List<Submission> batch = new ArrayList<>();
        try {
            boolean stopping = false;
            while (!stopping) {
                batch.clear();
                Submission first = next();
                int records = 0;
                for (Submission s = first; s != null; s = records < maxBatch ? queue.poll() : null) {
                    if (s == Submission.STOP) {
                        stopping = true;
                        break;
                    }
                    batch.add(s);
                    records += s.records().size();
                }
                if (spool.backlog() > 0 && (up || due())) {
                    ship();
                }
                if (!batch.isEmpty()) {
                    write(batch);
                }
            }
        } catch (Throwable t) {
            death = t;
            LOG.log(System.Logger.Level.ERROR, "usage ledger committer stopped; appends are refused", t);
            UsageLedgerUnavailableException refused = new UsageLedgerUnavailableException("usage ledger committer stopped", t);
            batch.forEach(s -> s.done().completeExceptionally(refused));
            failQueued();
        }
    }

    /** Fails every submission still queued (after the committer stopped). */
    void failQueued() {
        UsageLedgerUnavailableException refused = new UsageLedgerUnavailableException("usage ledger is closed", death);
        for (Submission s; (s = queue.poll()) != null; ) {
            s.done().completeExceptionally(refused);
        }
    }

    /** The next submission: waits for one, or only until the spool's next shipping attempt is due. */
    private Submission next() throws InterruptedException {
        if (spool.backlog() == 0) {
            return queue.take();
        }
        long wait = up ? 0 : Math.max(0, retryAt - ticker.getAsLong());
        return queue.poll(wait, TimeUnit.NANOSECONDS);
    }

    private boolean due() {
        return ticker.getAsLong() - retryAt >= 0;
    }

    private void write(List<Submission> batch) {
        List<UsageRecord> records = flatten(batch);
        // With a backlog and the database down, the shipping attempt has just tested it: no second wait.
        if (up || (spool.backlog() == 0 && due())) {
            try {
                insertAndCommit(records, Checkpoint.BEFORE_COMMIT, Checkpoint.AFTER_COMMIT);
                markUp();
                tell(() -> listener.committed(records.size()));
                batch.forEach(s -> s.done().complete(null));
                return;
            } catch (SQLException | RuntimeException e) {
                markDown(e);
            }
        }
        try {
            spool.append(records);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "usage ledger: neither the database nor the spool (" + spool
                    + ") took " + records.size() + " records", e);
            UsageLedgerUnavailableException refused = new UsageLedgerUnavailableException(
                    "neither the usage database nor the spool took the record", e);
            batch.forEach(s -> s.done().completeExceptionally(refused));
            return;
        }
        checkpoints.reached(Checkpoint.AFTER_SPOOL_WRITE);
        tell(() -> listener.spooled(records.size()));
        batch.forEach(s -> s.done().complete(null));
    }

    private void ship() {
        try {
            UsageSpool.Chunk chunk = spool.read(shipOffset, maxBatch);
            if (!chunk.records().isEmpty()) {
                insertAndCommit(chunk.records(), Checkpoint.BEFORE_SHIP_COMMIT, Checkpoint.AFTER_SHIP_COMMIT);
                markUp();
                spool.shipped(chunk.records().size());
                tell(() -> listener.shipped(chunk.records().size()));
            }
            shipOffset = chunk.next();
            if (shipOffset >= spool.size()) {
                spool.clear();
                shipOffset = 0;
            }
        } catch (SQLException | RuntimeException e) {
            markDown(e);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "usage ledger: cannot read the spool " + spool + "; retrying", e);
            retryAt = ticker.getAsLong() + retryIntervalNanos;
        }
    }

    private void insertAndCommit(List<UsageRecord> records, Checkpoint beforeCommit, Checkpoint afterCommit)
            throws SQLException {
        SqlDialect d = schema();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(d.insert())) {
                for (UsageRecord r : records) {
                    if (d.bindsKeyFirst()) {
                        if (r.requestId().isEmpty()) {
                            s.setNull(1, Types.VARCHAR);
                        } else {
                            s.setString(1, r.requestId());
                        }
                    }
                    UsageRows.bind(s, d.firstColumnIndex(), r);
                    s.addBatch();
                }
                s.executeBatch();
                checkpoints.reached(beforeCommit);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        }
        checkpoints.reached(afterCommit);
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private void markUp() {
        if (!up && reportedDown) {
            LOG.log(System.Logger.Level.INFO, "usage ledger: the database answers again");
        }
        up = true;
        reportedDown = false;
    }

    private void markDown(Exception cause) {
        if (!reportedDown) {
            LOG.log(System.Logger.Level.WARNING, "usage ledger: the database does not answer (" + cause
                    + "); records go to the spool " + spool);
            tell(() -> listener.databaseUnavailable(cause));
            reportedDown = true;
        }
        up = false;
        retryAt = ticker.getAsLong() + retryIntervalNanos;
    }

    private static List<UsageRecord> flatten(List<Submission> batch) {
        if (batch.size() == 1) {
            return batch.get(0).records();
        }
        List<UsageRecord> records = new ArrayList<>();
        for (Submission s : batch) {
            records.addAll(s.records());
        }
        return records;
    }

    private static void tell(Runnable observer) {
        try {
            observer.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "usage ledger listener failed", e);
        }
    }
}

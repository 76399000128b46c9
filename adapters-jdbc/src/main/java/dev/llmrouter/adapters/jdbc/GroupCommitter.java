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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <h2>The next batch is written while the last one commits</h2>
 * A commit waits for the database's log to reach its disk; the committer need not. It hands the commit
 * to a second thread, and while that waits, writes the next batch (already queued) on another
 * connection; before that batch commits, the one before has committed and been acknowledged (or spooled,
 * if its commit failed). So at most two transactions are open, they commit in order, every submission is
 * still acknowledged only once its own transaction has committed, and under load the insert of one batch
 * overlaps the commit of the other instead of following it. The committer waits for the commit in flight
 * before it waits for new submissions, before it ships the spool, and before a batch goes to the spool.
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

    private final Object shippedSignal = new Object();
    private final ExecutorService commits = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "usage-ledger-commit");
        t.setDaemon(true);
        return t;
    });
    /** The batch whose commit is in flight on {@link #commits}; null when none is. */
    private InFlight inFlight;
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

    /** Waits until the spool is empty; false if it is not within {@code timeoutNanos}. */
    boolean awaitSpoolShipped(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (shippedSignal) {
            while (spool.backlog() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(shippedSignal, left);
            }
            return true;
        }
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

    /** A batch written on {@code connection}, its commit running as {@code commit}. */
    private record InFlight(List<Submission> batch, List<UsageRecord> records, Future<?> commit) {}

    @Override
    public void run() {
        List<Submission> batch = new ArrayList<>();
        try {
            boolean stopping = false;
            while (!stopping) {
                batch.clear();
                if (inFlight != null && queue.isEmpty()) {
                    endInFlight();
                }
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
                    endInFlight();
                    ship();
                }
                if (!batch.isEmpty()) {
                    write(batch);
                }
            }
            endInFlight();
        } catch (Throwable t) {
            death = t;
            LOG.log(System.Logger.Level.ERROR, "usage ledger committer stopped; appends are refused", t);
            UsageLedgerUnavailableException refused = new UsageLedgerUnavailableException("usage ledger committer stopped", t);
            if (inFlight != null) {
                inFlight.batch().forEach(s -> s.done().completeExceptionally(refused));
            }
            batch.forEach(s -> s.done().completeExceptionally(refused));
            failQueued();
        } finally {
            commits.shutdown();
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

    private void write(List<Submission> batch) throws InterruptedException {
        List<UsageRecord> records = flatten(batch);
        // With a backlog and the database down, the shipping attempt has just tested it: no second wait.
        if (up || (spool.backlog() == 0 && due())) {
            Connection c = null;
            try {
                c = dataSource.getConnection();
                insert(c, schema(), records);
                endInFlight();
                checkpoints.reached(Checkpoint.BEFORE_COMMIT);
            } catch (SQLException | RuntimeException e) {
                if (c != null) {
                    rollbackAndClose(c, e);
                }
                endInFlight();
                markDown(e);
                toSpool(batch, records);
                return;
            } catch (Error | InterruptedException e) {
                closeQuietly(c);
                throw e;
            }
            Connection written = c;
            inFlight = new InFlight(List.copyOf(batch), records, commits.submit(() -> {
                commit(written, Checkpoint.AFTER_COMMIT);
                return null;
            }));
            return;
        }
        endInFlight();
        toSpool(batch, records);
    }

    /**
     * Waits for the commit in flight, if any, and acknowledges its batch; a commit that failed sends the
     * batch to the spool (the database may have committed it all the same: shipping it again stores it
     * once). What the commit thread threw that is not a database failure (an {@link Error}, a checkpoint
     * that ends the committer) ends the committer, the batch unacknowledged.
     */
    private void endInFlight() throws InterruptedException {
        InFlight ending = inFlight;
        if (ending == null) {
            return;
        }
        try {
            ending.commit().get();
            inFlight = null;
            markUp();
            tell(() -> listener.committed(ending.records().size()));
            ending.batch().forEach(s -> s.done().complete(null));
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            if (!(cause instanceof SQLException) && !(cause instanceof RuntimeException)) {
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(cause);
            }
            inFlight = null;
            markDown((Exception) cause);
            toSpool(ending.batch(), ending.records());
        }
    }

    private void toSpool(List<Submission> batch, List<UsageRecord> records) {
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
                synchronized (shippedSignal) {
                    shippedSignal.notifyAll();
                }
            }
        } catch (SQLException | RuntimeException e) {
            markDown(e);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "usage ledger: cannot read the spool " + spool + "; retrying", e);
            retryAt = ticker.getAsLong() + retryIntervalNanos;
        }
    }

    /** Ships a chunk of the spool in one transaction, here and now. */
    private void insertAndCommit(List<UsageRecord> records, Checkpoint beforeCommit, Checkpoint afterCommit)
            throws SQLException {
        SqlDialect d = schema();
        Connection c = dataSource.getConnection();
        try {
            insert(c, d, records);
            checkpoints.reached(beforeCommit);
        } catch (SQLException | RuntimeException e) {
            rollbackAndClose(c, e);
            throw e;
        } catch (Error e) {
            closeQuietly(c);
            throw e;
        }
        commit(c, afterCommit);
    }

    /** Writes {@code records} in a transaction left open on {@code c}: one batched insert. */
    private static void insert(Connection c, SqlDialect d, List<UsageRecord> records) throws SQLException {
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
        }
    }

    /** Commits the transaction open on {@code c} and gives the connection back; rolls back if the commit fails. */
    private void commit(Connection c, Checkpoint afterCommit) throws SQLException {
        try {
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackAndClose(c, e);
            throw e;
        }
        c.close();
        checkpoints.reached(afterCommit);
    }

    /** Gives back a connection whose transaction is left undone (closing rolls it back). */
    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "usage ledger: a connection did not close cleanly", e);
        }
    }

    private static void rollbackAndClose(Connection c, Exception cause) {
        try (c) {
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

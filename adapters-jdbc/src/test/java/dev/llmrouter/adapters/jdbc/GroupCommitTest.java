package dev.llmrouter.adapters.jdbc;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.llmrouter.adapters.jdbc.fixtures.EmbeddedPostgresServer;
import dev.llmrouter.domain.usage.UsageRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirement 7.1: appends are group-committed. While one transaction is in flight, concurrent appends
 * queue and the next transaction takes them all: 1 + 31 appends in exactly 2 commits, counted by the
 * {@link LedgerListener}, not by timing; each append returns only after its batch committed. The next
 * batch is written while the one before commits, and still acknowledged only after its own commit.
 */
@DisplayName("Requirement 7.1: concurrent appends share one transaction (group commit)")
class GroupCommitTest {

    private static final Instant T0 = Instant.parse("2026-01-10T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    @DisplayName("32 concurrent appends on PostgreSQL: 2 transactions, every append acknowledged after its commit")
    void concurrentAppendsShareATransaction() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        CountDownLatch firstCommitHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        List<Integer> transactions = new CopyOnWriteArrayList<>();
        Checkpoint.Observer holdFirstCommit = point -> {
            if (point == Checkpoint.BEFORE_COMMIT && first.getAndSet(false)) {
                firstCommitHeld.countDown();
                await(release);
            }
        };
        int appenders = 32;
        ExecutorService pool = Executors.newFixedThreadPool(appenders);
        try (JdbcUsageLedger ledger = JdbcUsageLedger.builder(
                        JdbcUsageLedger.pool(server.newDatabase(), server.user(), server.password()))
                .closesDataSource()
                .spoolDirectory(dir)
                .listener(new LedgerListener() {
                    @Override
                    public void committed(int records) {
                        transactions.add(records);
                    }
                })
                .checkpoints(holdFirstCommit)
                .build()) {
            // given a transaction in flight
            Future<?> lone = pool.submit(() -> ledger.append(record(0)));
            assertThat(firstCommitHeld.await(30, TimeUnit.SECONDS)).isTrue();

            // when 31 more appends arrive while it is held
            List<Future<?>> appends = new ArrayList<>();
            for (int i = 1; i < appenders; i++) {
                int n = i;
                appends.add(pool.submit(() -> ledger.append(record(n))));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ledger.queued() < appenders - 1 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(ledger.queued()).as("appends waiting for the committer").isEqualTo(appenders - 1);
            assertThat(appends).as("no append returns before its commit").noneMatch(Future::isDone);
            release.countDown();

            // then they are written in one more transaction
            lone.get(30, TimeUnit.SECONDS);
            for (Future<?> f : appends) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(transactions).containsExactly(1, appenders - 1);
            assertThat(ledger.records("a", T0, T0.plusSeconds(60))).hasSize(appenders);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("the next batch is written while the one before commits, and acknowledged only after its own commit")
    void theNextBatchIsWrittenWhileTheOneBeforeCommits() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        CountDownLatch firstWritten = new CountDownLatch(1);
        CountDownLatch firstCommitted = new CountDownLatch(1);
        CountDownLatch commitFirst = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean firstBefore = new AtomicBoolean(true);
        AtomicBoolean firstAfter = new AtomicBoolean(true);
        List<Integer> transactions = new CopyOnWriteArrayList<>();
        // Holds the first batch before its commit (until the next records wait), then between its commit
        // and its acknowledgement: its commit has not ended.
        Checkpoint.Observer holdFirst = point -> {
            if (point == Checkpoint.BEFORE_COMMIT && firstBefore.getAndSet(false)) {
                firstWritten.countDown();
                await(commitFirst);
            } else if (point == Checkpoint.AFTER_COMMIT && firstAfter.getAndSet(false)) {
                firstCommitted.countDown();
                await(release);
            }
        };
        HikariDataSource database = JdbcUsageLedger.pool(server.newDatabase(), server.user(), server.password());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (JdbcUsageLedger ledger = JdbcUsageLedger.builder(database)
                .closesDataSource()
                .spoolDirectory(dir)
                .listener(new LedgerListener() {
                    @Override
                    public void committed(int records) {
                        transactions.add(records);
                    }
                })
                .checkpoints(holdFirst)
                .build()) {
            // given a batch written, and 31 more records waiting before it commits
            Future<?> lone = pool.submit(() -> ledger.append(record(0)));
            assertThat(firstWritten.await(30, TimeUnit.SECONDS)).isTrue();
            List<UsageRecord> more = IntStream.range(1, 32).mapToObj(GroupCommitTest::record).toList();
            Future<?> next = pool.submit(() -> ledger.appendAll(more));
            long queuedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ledger.queued() < 1 && System.nanoTime() < queuedBy) {
                Thread.onSpinWait();
            }

            // when the first batch commits, and its commit has not ended (its connection given back)
            commitFirst.countDown();
            assertThat(firstCommitted.await(30, TimeUnit.SECONDS)).isTrue();

            // then the committer takes them and writes them on a connection of its own, in a transaction not yet committed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((ledger.queued() > 0 || database.getHikariPoolMXBean().getActiveConnections() < 1)
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(database.getHikariPoolMXBean().getActiveConnections()).as("the next batch's connection").isEqualTo(1);
            assertThat(ledger.queued()).as("taken while the first commit has not ended").isZero();
            assertThat(ledger.records("a", T0, T0.plusSeconds(60))).as("only the first batch is committed").hasSize(1);
            assertThat(lone).isNotDone();
            assertThat(next).as("no append returns before its own commit").isNotDone();
            release.countDown();

            lone.get(30, TimeUnit.SECONDS);
            next.get(30, TimeUnit.SECONDS);
            assertThat(transactions).as("committed in order, the second batch after the first").containsExactly(1, 31);
            assertThat(ledger.records("a", T0, T0.plusSeconds(60))).hasSize(32);
        } finally {
            commitFirst.countDown();
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static dev.llmrouter.domain.usage.UsageRecord record(int n) {
        return aUsageRecord().requestId("gc-" + n).account("a").at(T0.plusMillis(n)).costNanos(1).build();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.llmrouter.benchmarks.ledger;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;

import dev.llmrouter.adapters.jdbc.JdbcUsageLedger;
import dev.llmrouter.adapters.jdbc.LedgerListener;
import dev.llmrouter.adapters.jdbc.fixtures.EmbeddedPostgresServer;
import dev.llmrouter.domain.usage.UsageRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The JDBC usage ledger's sustained append rate with group commit, on a real PostgreSQL 17.5 with
 * durable commits ({@code fsync} and {@code synchronous_commit} on), and the wait an append spends for
 * its batch's commit: closed-loop, {@code threads} appenders each appending one record after another
 * (as many requests completing at once), first a warm-up, then {@code seconds} measured.
 *
 * <p>Reports records per second, commits per second and the mean batch, and the append wait (from the
 * call to its return, i.e. until the record is durable) at p50, p99 and p99.9. The records are built
 * before they are appended, outside the timed call.
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks -am -DskipTests package && java -cp
 * benchmarks/target/benchmarks.jar dev.llmrouter.benchmarks.ledger.LedgerThroughput 64 20}
 * (arguments: threads, measured seconds; defaults 64 and 20).
 */
public final class LedgerThroughput {

    private LedgerThroughput() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmupSeconds = 5;
        Path spool = Files.createTempDirectory("ledger-bench-spool");
        AtomicLong commits = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicLong spooled = new AtomicLong();
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start();
                JdbcUsageLedger ledger = JdbcUsageLedger.builder(
                                JdbcUsageLedger.pool(server.newDatabase(), server.user(), server.password()))
                        .closesDataSource()
                        .spoolDirectory(spool)
                        .listener(new LedgerListener() {
                            @Override
                            public void committed(int records) {
                                commits.incrementAndGet();
                                committed.addAndGet(records);
                            }

                            @Override
                            public void spooled(int records) {
                                spooled.addAndGet(records);
                            }
                        })
                        .build()) {
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
            long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
            List<Histogram> waits = new ArrayList<>();
            AtomicLong measured = new AtomicLong();
            CountDownLatch done = new CountDownLatch(threads);
            long[] commitsAtStart = new long[1];
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                waits.add(h);
                Thread appender = new Thread(() -> {
                    long i = 0;
                    long mine = 0;
                    try {
                        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                            UsageRecord r = aUsageRecord().requestId(thread + "-" + i).account("acct-" + (i % 16))
                                    .at(t0.plusNanos(i * 1_000 + thread)).creator("c" + (i % 8)).tokens(100, 20)
                                    .costNanos(1_234).build();
                            i++;
                            long start = System.nanoTime();
                            ledger.append(r);
                            long stop = System.nanoTime();
                            if (start >= warmupEnd) {
                                h.recordValue(stop - start);
                                mine++;
                            }
                        }
                    } finally {
                        measured.addAndGet(mine);
                        done.countDown();
                    }
                }, "appender-" + t);
                appender.start();
            }
            while (System.nanoTime() < warmupEnd) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            commitsAtStart[0] = commits.get();
            long committedAtStart = committed.get();
            done.await();
            long commitsMeasured = commits.get() - commitsAtStart[0];
            long recordsCommitted = committed.get() - committedAtStart;
            Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            waits.forEach(all::add);
            System.out.printf("threads=%d seconds=%d%n", threads, seconds);
            System.out.printf("records/s=%.0f commits/s=%.0f mean batch=%.1f spooled=%d%n",
                    measured.get() / (double) seconds, commitsMeasured / (double) seconds,
                    recordsCommitted / (double) Math.max(1, commitsMeasured), spooled.get());
            System.out.printf("append wait ms: p50=%.3f p99=%.3f p99.9=%.3f max=%.3f%n",
                    all.getValueAtPercentile(50) / 1e6, all.getValueAtPercentile(99) / 1e6,
                    all.getValueAtPercentile(99.9) / 1e6, all.getMaxValue() / 1e6);
        }
    }
}

package dev.llmrouter.benchmarks;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.adapters.inmemory.InMemoryQuotaStore;
import dev.llmrouter.ports.quota.Ended;
import dev.llmrouter.ports.quota.QuotaPeriods;
import dev.llmrouter.ports.quota.QuotaStore;
import dev.llmrouter.ports.quota.QuotaAmount;
import dev.llmrouter.ports.quota.QuotaLimit;
import dev.llmrouter.ports.quota.Reservation;
import dev.llmrouter.ports.quota.ReserveResult;
import java.time.Instant;
import java.time.YearMonth;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The quota hot path: one {@code reserve} then one {@code settle} on {@link InMemoryQuotaStore}, as
 * every admitted request does.
 *
 * <ul>
 *   <li>{@code oneAccount}: one thread, one account (the floor);</li>
 *   <li>{@code tenThousandAccounts}: one thread cycling over 10,000 accounts (cache misses, no
 *       contention);</li>
 *   <li>{@code oneAccountTwoThreads}: two threads on the same account (the per-entry lock contended);</li>
 *   <li>{@code gatePath}: {@code oneAccount} plus what the router's quota gate computes per request
 *       besides the store: the month of the admission instant and the limit of the plan's quota.</li>
 * </ul>
 * The limit is unbounded so that every reservation is admitted and the measured path is always the
 * same. Account keys are built in setup, so the loop allocates only what the API itself does.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests &&
 * java -jar benchmarks/target/benchmarks.jar QuotaBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class QuotaBenchmark {

    private static final YearMonth MONTH = YearMonth.of(2026, 3);
    private static final QuotaAmount WORST_CASE = new QuotaAmount(166_340_000, 17_384);
    private static final QuotaAmount ACTUAL = new QuotaAmount(3_700_000, 1_110);
    private static final int ACCOUNTS = 10_000;
    private static final Quota QUOTA = Quota.of(Money.ofUsd("1000000"), Long.MAX_VALUE / 2);
    /** The admission instant; the router reads its clock, which is not what is measured here. */
    private static final Instant NOW = Instant.parse("2026-03-14T15:09:26Z");

    private InMemoryQuotaStore store;
    private String[] accounts;

    /** Per-thread cursor over the accounts. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setUp() {
        store = new InMemoryQuotaStore();
        accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = "account-" + i;
            settle(store.reserve(accounts[i], MONTH, WORST_CASE, QuotaLimit.UNLIMITED, QuotaStore.DEFAULT_LEASE));
        }
    }

    @Benchmark
    public boolean oneAccount() {
        return settle(store.reserve("account-0", MONTH, WORST_CASE, QuotaLimit.UNLIMITED, QuotaStore.DEFAULT_LEASE));
    }

    @Benchmark
    public boolean tenThousandAccounts(Cursor cursor) {
        String account = accounts[cursor.next];
        cursor.next = cursor.next == ACCOUNTS - 1 ? 0 : cursor.next + 1;
        return settle(store.reserve(account, MONTH, WORST_CASE, QuotaLimit.UNLIMITED, QuotaStore.DEFAULT_LEASE));
    }

    @Benchmark
    @Threads(2)
    public boolean oneAccountTwoThreads() {
        return settle(store.reserve("account-0", MONTH, WORST_CASE, QuotaLimit.UNLIMITED, QuotaStore.DEFAULT_LEASE));
    }

    @Benchmark
    public boolean gatePath() {
        YearMonth period = QuotaPeriods.periodOf(NOW);
        QuotaLimit limit = QuotaLimit.of(QUOTA);
        return settle(store.reserve("account-0", period, WORST_CASE, limit, QuotaStore.DEFAULT_LEASE));
    }

    private boolean settle(ReserveResult result) {
        return result instanceof Reservation r && store.settle(r, ACTUAL) == Ended.WITHIN_LEASE;
    }
}

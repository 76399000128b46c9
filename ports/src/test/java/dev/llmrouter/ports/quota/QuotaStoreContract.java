package dev.llmrouter.ports.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.fixtures.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every behaviour a {@link QuotaStore} must have (Requirement 5.4, Property 17, Requirements 7.2 and
 * 7.4): a store passes by extending this class with {@link #newStore}. Time is the given
 * {@link FakeClock}, moved by hand.
 */
public abstract class QuotaStoreContract {

    protected static final YearMonth MONTH = YearMonth.of(2026, 1);
    protected static final Duration LEASE = Duration.ofMinutes(15);

    /** 2026-01-15T12:00:00Z, mid-month. */
    protected final FakeClock clock = new FakeClock(Instant.parse("2026-01-15T12:00:00Z"));

    /** A new, empty store on {@code clock} (no seed: a month's spend is only what the store counted). */
    protected abstract QuotaStore newStore(FakeClock clock);

    private static QuotaAmount cost(long nanos) {
        return new QuotaAmount(nanos, 0);
    }

    private static QuotaLimit costLimit(long nanos) {
        return new QuotaLimit(nanos, QuotaLimit.UNBOUNDED);
    }

    @Test
    @DisplayName("Property 17: 16 threads on one account never hold or settle more than the quota")
    void property17UnderConcurrency() throws Exception {
        QuotaStore store = newStore(clock);
        QuotaLimit limit = costLimit(100_000);
        int threads = 16;
        AtomicLong admittedWorstCases = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        Concurrently.run(threads, thread -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 500; i++) {
                long worst = 1 + random.nextLong(3_000);
                if (store.reserve("acct", MONTH, cost(worst), limit, LEASE) instanceof Reservation held) {
                    admittedWorstCases.addAndGet(worst);
                    QuotaUsage now = store.usage("acct", MONTH);
                    if (now.used().costNanos() > limit.costNanos()) {
                        violations.incrementAndGet();
                    }
                    if (random.nextBoolean()) {
                        store.settle(held, cost(random.nextLong(worst + 1)));
                    } else {
                        store.release(held);
                    }
                }
            }
        });
        QuotaUsage usage = store.usage("acct", MONTH);
        assertThat(violations.get()).isZero();
        assertThat(usage.reserved()).isEqualTo(QuotaAmount.ZERO);
        assertThat(usage.outstanding()).isZero();
        assertThat(usage.settled().costNanos()).isLessThanOrEqualTo(limit.costNanos());
        assertThat(admittedWorstCases.get()).as("the quota was exercised").isGreaterThan(limit.costNanos());
    }

    @Test
    @DisplayName("a reservation is refused exactly when settled + reserved + it would pass the limit, in either dimension")
    void refusesOnlyWhatDoesNotFit() {
        QuotaStore store = newStore(clock);
        QuotaLimit limit = new QuotaLimit(1_000, 50);
        assertThat(store.reserve("a", MONTH, new QuotaAmount(600, 10), limit, LEASE)).isInstanceOf(Reservation.class);
        assertThat(store.reserve("a", MONTH, new QuotaAmount(400, 10), limit, LEASE)).isInstanceOf(Reservation.class);
        assertThat(store.reserve("a", MONTH, new QuotaAmount(1, 0), limit, LEASE)).isInstanceOfSatisfying(QuotaRefused.class,
                r -> assertThat(r.dimension()).isEqualTo(QuotaDimension.COST));
        assertThat(store.reserve("b", MONTH, new QuotaAmount(0, 51), limit, LEASE)).isInstanceOfSatisfying(QuotaRefused.class,
                r -> assertThat(r.dimension()).isEqualTo(QuotaDimension.TOKENS));
        assertThat(store.reserve("a", MONTH.plusMonths(1), new QuotaAmount(1_000, 50), limit, LEASE))
                .as("another month has its own quota").isInstanceOf(Reservation.class);
    }

    @Test
    @DisplayName("settle counts the actual usage in place of the worst case; release counts nothing")
    void settleAndRelease() {
        QuotaStore store = newStore(clock);
        QuotaLimit limit = costLimit(10_000);
        Reservation a = (Reservation) store.reserve("a", MONTH, cost(3_000), limit, LEASE);
        Reservation b = (Reservation) store.reserve("a", MONTH, cost(2_000), limit, LEASE);
        assertThat(store.usage("a", MONTH)).isEqualTo(new QuotaUsage(QuotaAmount.ZERO, cost(5_000), 2));
        assertThat(store.settle(a, cost(1_200))).isEqualTo(Ended.WITHIN_LEASE);
        assertThat(store.release(b)).isEqualTo(Ended.WITHIN_LEASE);
        assertThat(store.usage("a", MONTH)).isEqualTo(new QuotaUsage(cost(1_200), QuotaAmount.ZERO, 0));
    }

    @Test
    @DisplayName("ending is idempotent: a second settle or release answers NotOpen and changes nothing")
    void idempotentEnd() {
        QuotaStore store = newStore(clock);
        QuotaLimit limit = costLimit(10_000);
        Reservation held = (Reservation) store.reserve("a", MONTH, cost(3_000), limit, LEASE);
        assertThat(store.settle(held, cost(1_000))).isEqualTo(Ended.WITHIN_LEASE);
        assertThat(store.settle(held, cost(1_000))).isEqualTo(new NotOpen(held.id()));
        assertThat(store.release(held)).isEqualTo(new NotOpen(held.id()));
        assertThat(store.resize(held, cost(10), limit)).isEqualTo(new NotOpen(held.id()));
        assertThat(store.usage("a", MONTH)).isEqualTo(new QuotaUsage(cost(1_000), QuotaAmount.ZERO, 0));
    }

    @Test
    @DisplayName("resize replaces the reservation atomically, keeps its lease end, and on refusal keeps the old one")
    void resize() {
        QuotaStore store = newStore(clock);
        QuotaLimit limit = costLimit(10_000);
        Reservation held = (Reservation) store.reserve("a", MONTH, cost(6_000), limit, LEASE);
        ReserveResult moved = store.resize(held, cost(9_000), limit);
        assertThat(moved).as("the old reservation's own room counts as free").isInstanceOf(Reservation.class);
        Reservation now = (Reservation) moved;
        assertThat(now.expiresAtEpochNanos()).isEqualTo(held.expiresAtEpochNanos());
        assertThat(store.release(held)).as("the replaced reservation is ended").isEqualTo(new NotOpen(held.id()));
        assertThat(store.resize(now, cost(10_001), limit)).isInstanceOf(QuotaRefused.class);
        assertThat(store.usage("a", MONTH)).isEqualTo(new QuotaUsage(QuotaAmount.ZERO, cost(9_000), 1));
        assertThat(store.release(now)).isEqualTo(Ended.WITHIN_LEASE);
    }

    @Test
    @DisplayName("Requirement 7.4: a dead holder's worst case stays counted until its lease ends, then is released")
    void leaseExpiry() {
        QuotaStore store = newStore(clock);
        QuotaLimit limit = costLimit(10_000);
        assertThat(store.reserve("a", MONTH, cost(10_000), limit, Duration.ofMinutes(5))).isInstanceOf(Reservation.class);
        clock.advance(Duration.ofMinutes(4));
        assertThat(store.reserve("a", MONTH, cost(1), limit, LEASE))
                .as("the lease still holds the worst case").isInstanceOf(QuotaRefused.class);
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.usage("a", MONTH)).isEqualTo(new QuotaUsage(QuotaAmount.ZERO, QuotaAmount.ZERO, 0));
        assertThat(store.reserve("a", MONTH, cost(10_000), limit, LEASE)).isInstanceOf(Reservation.class);
    }

    @Test
    @DisplayName("a settle after the lease still counts the actual usage, once; a resize after it answers NotOpen")
    void endAfterLease() {
        QuotaStore store = newStore(clock);
        QuotaLimit limit = costLimit(10_000);
        Reservation late = (Reservation) store.reserve("a", MONTH, cost(4_000), limit, Duration.ofMinutes(1));
        Reservation lateToo = (Reservation) store.reserve("a", MONTH, cost(1_000), limit, Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.resize(lateToo, cost(10), limit)).isEqualTo(new NotOpen(lateToo.id()));
        assertThat(store.settle(late, cost(2_500))).isEqualTo(Ended.AFTER_LEASE);
        assertThat(store.settle(late, cost(2_500))).isEqualTo(new NotOpen(late.id()));
        assertThat(store.release(lateToo)).isEqualTo(Ended.AFTER_LEASE);
        assertThat(store.usage("a", MONTH)).isEqualTo(new QuotaUsage(cost(2_500), QuotaAmount.ZERO, 0));
    }

    @Test
    @DisplayName("different accounts never share room")
    void accountsAreApart() {
        QuotaStore store = newStore(clock);
        QuotaLimit limit = costLimit(1_000);
        assertThat(store.reserve("a", MONTH, cost(1_000), limit, LEASE)).isInstanceOf(Reservation.class);
        assertThat(store.reserve("b", MONTH, cost(1_000), limit, LEASE)).isInstanceOf(Reservation.class);
        assertThat(store.usage("c", MONTH)).isEqualTo(QuotaUsage.NONE);
    }
}

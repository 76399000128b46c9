package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.YearMonth;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 5.4 — idle expiry of quota state never drops an open reservation, nor (without a seed
 * to rebuild it) a month's spend before the month is over.
 */
@DisplayName("Requirement 5.4 — quota state expiry keeps open reservations and the month's spend")
class QuotaStoreExpiryTest {

    private static final YearMonth MARCH = YearMonth.of(2026, 3);
    private static final QuotaLimit LIMIT = new QuotaLimit(1_000, QuotaLimit.UNBOUNDED);

    private final FakeClock clock = new FakeClock(java.time.Instant.parse("2026-03-10T12:00:00Z"));

    @Test
    @DisplayName("a month with a reservation in its lease outlives the idle expiry; it goes once the lease and the idle time are over")
    void openReservationIsNeverEvicted() {
        InMemoryQuotaStore store = new InMemoryQuotaStore(clock, Duration.ofMinutes(5), (account, period) -> QuotaAmount.ZERO);
        Quotas.ended(store.release((Reservation) store.reserve("idle", MARCH, new QuotaAmount(100, 1), LIMIT, Duration.ofMinutes(1))));
        Reservation held = (Reservation) store.reserve("slow", MARCH, new QuotaAmount(400, 4), LIMIT, Duration.ofHours(2));

        clock.advance(Duration.ofMinutes(119));
        store.cleanUp();

        assertThat(store.heldMonths()).as("only the month with a reservation in its lease is kept").isEqualTo(1);
        assertThat(store.settle(held, new QuotaAmount(300, 3))).isEqualTo(dev.llmrouter.ports.quota.Ended.WITHIN_LEASE);
        assertThat(store.usage("slow", MARCH).settled()).isEqualTo(new QuotaAmount(300, 3));

        // once settled it is an ordinary idle month again: kept as long as the longest lease asked for
        clock.advance(Duration.ofMinutes(121));
        assertThat(store.heldMonths()).isZero();
    }

    @Test
    @DisplayName("with a seed, an evicted idle month is rebuilt from it on next use")
    void seededMonthIsRebuilt() {
        QuotaSeed ledger = (account, period) -> new QuotaAmount(900, 0);
        InMemoryQuotaStore store = new InMemoryQuotaStore(clock, Duration.ofMinutes(5), ledger);
        Quotas.reserve(store, "a", MARCH, new QuotaAmount(50, 0), LIMIT);

        clock.advance(Duration.ofMinutes(6));
        assertThat(store.heldMonths()).as("the reservation is still open").isEqualTo(1);

        assertThat(Quotas.reserve(store, "a", MARCH, new QuotaAmount(51, 0), LIMIT)).isInstanceOf(QuotaRefused.class);
        assertThat(Quotas.reserve(store, "a", MARCH, new QuotaAmount(50, 0), LIMIT)).isInstanceOf(Reservation.class);
    }

    @Test
    @DisplayName("without a seed, an idle month's spend is kept until the month is over")
    void unseededSpendIsKeptForTheMonth() {
        InMemoryQuotaStore store = new InMemoryQuotaStore(clock, Duration.ofMinutes(5), QuotaSeed.NONE);
        Reservation r = (Reservation) Quotas.reserve(store, "a", MARCH, new QuotaAmount(1_000, 0), LIMIT);
        Quotas.ended(store.settle(r, new QuotaAmount(1_000, 0)));

        // idle for three weeks: still March, the spend must still count
        clock.advance(Duration.ofDays(21));
        assertThat(store.heldMonths()).isEqualTo(1);
        assertThat(Quotas.reserve(store, "a", MARCH, new QuotaAmount(1, 0), LIMIT)).isInstanceOf(QuotaRefused.class);

        // April and idle: March may go
        clock.advance(Duration.between(clock.instant(), java.time.Instant.parse("2026-04-01T00:06:00Z")));
        assertThat(store.heldMonths()).isZero();
    }
    @Test
    @DisplayName("an evicted month with an open reservation comes back whole: its held amount still counts")
    void evictedOpenMonthComesBackWhole() {
        InMemoryQuotaStore store = new InMemoryQuotaStore(clock, Duration.ofMinutes(5), (account, period) -> QuotaAmount.ZERO);
        Reservation held = (Reservation) Quotas.reserve(store, "a", MARCH, new QuotaAmount(600, 0), LIMIT);

        // idle past expiry: the month leaves the cache but is kept aside with its reservation
        clock.advance(Duration.ofMinutes(6));
        store.cleanUp();
        assertThat(store.usage("a", MARCH).reserved()).isEqualTo(new QuotaAmount(600, 0));

        // a new request sees the 600 still held, not a fresh month
        assertThat(Quotas.reserve(store, "a", MARCH, new QuotaAmount(401, 0), LIMIT)).isInstanceOf(QuotaRefused.class);
        Reservation next = (Reservation) Quotas.reserve(store, "a", MARCH, new QuotaAmount(400, 0), LIMIT);
        assertThat(Quotas.ended(store.settle(held, new QuotaAmount(550, 0)))).isTrue();
        assertThat(Quotas.ended(store.release(next))).isTrue();
        assertThat(store.usage("a", MARCH)).isEqualTo(new QuotaUsage(new QuotaAmount(550, 0), QuotaAmount.ZERO, 0));
    }
}

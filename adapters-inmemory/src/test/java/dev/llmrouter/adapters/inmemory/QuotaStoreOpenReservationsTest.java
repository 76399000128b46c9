package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 5.4 — a reservation ends exactly once, however many are open in one month at once and
 * in whatever order they end; only the reservation itself (same account, month, id and amount) ends
 * it.
 */
@DisplayName("Requirement 5.4 — many open reservations in one month each end exactly once")
class QuotaStoreOpenReservationsTest {

    private static final YearMonth MARCH = YearMonth.of(2026, 3);

    @Test
    @DisplayName("up to 300 open at once, ended in any order: each once, the counters exact")
    void eachEndsExactlyOnce() {
        qt().withExamples(60).forAll(integers().between(1, 300), longs().all())
                .checkAssert((count, shuffle) -> {
                    InMemoryQuotaStore store = new InMemoryQuotaStore(
                            new FakeClock(java.time.Instant.parse("2026-03-10T12:00:00Z")), Duration.ofHours(1), QuotaSeed.NONE);
                    // given another account's reservations interleaved, so this month's ids are not consecutive
                    List<Reservation> held = new ArrayList<>();
                    long reservedCost = 0;
                    for (int i = 0; i < count; i++) {
                        held.add((Reservation) Quotas.reserve(store, "a", MARCH, new QuotaAmount(10 + i, i), QuotaLimit.UNLIMITED));
                        reservedCost += 10 + i;
                        if (i % 3 == 0) {
                            Quotas.reserve(store, "b", MARCH, new QuotaAmount(1, 1), QuotaLimit.UNLIMITED);
                        }
                    }
                    assertThat(store.usage("a", MARCH).reserved().costNanos()).isEqualTo(reservedCost);
                    Collections.shuffle(held, new Random(shuffle));

                    // when each is ended twice (settled or released), and a forged copy is tried first
                    long settled = 0;
                    for (int i = 0; i < held.size(); i++) {
                        Reservation r = held.get(i);
                        Reservation forged = new Reservation("a", MARCH, r.id(), new QuotaAmount(r.amount().costNanos() + 1, r.amount().tokens()), r.expiresAtEpochNanos());
                        assertThat(Quotas.ended(store.release(forged))).as("a reservation of another amount").isFalse();
                        assertThat(Quotas.ended(store.release(new Reservation("b", MARCH, r.id(), r.amount(), r.expiresAtEpochNanos())))).as("another account").isFalse();
                        boolean settle = i % 2 == 0;
                        assertThat(settle ? Quotas.ended(store.settle(r, new QuotaAmount(1, 1))) : Quotas.ended(store.release(r))).isTrue();
                        settled += settle ? 1 : 0;
                        assertThat(Quotas.ended(store.settle(r, new QuotaAmount(1, 1)))).as("second end").isFalse();
                        assertThat(Quotas.ended(store.release(r))).as("third end").isFalse();
                        assertThat(store.resize(r, new QuotaAmount(1, 1), QuotaLimit.UNLIMITED)).as("resize after the end").isEqualTo(new NotOpen(r.id()));
                        reservedCost -= r.amount().costNanos();
                        assertThat(store.usage("a", MARCH).reserved().costNanos()).isEqualTo(reservedCost);
                    }

                    // then nothing is held and exactly the settled amounts count
                    assertThat(store.usage("a", MARCH)).isEqualTo(
                            new QuotaUsage(new QuotaAmount(settled, settled), QuotaAmount.ZERO, 0));
                    // and the month still takes new reservations
                    Reservation again = (Reservation) Quotas.reserve(store, "a", MARCH, new QuotaAmount(5, 5), QuotaLimit.UNLIMITED);
                    assertThat(store.usage("a", MARCH).outstanding()).isEqualTo(1);
                    assertThat(Quotas.ended(store.release(again))).isTrue();
                });
    }
}

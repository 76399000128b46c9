package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Property 17 — quota enforcement (Requirement 5.4): for any sequence of reserve, resize, settle and
 * release with arbitrary amounts, {@code settled + reserved} never exceeds the quota, settled spend
 * never exceeds it, a reservation is refused only when it does not fit, and the store's counters equal
 * a reference bookkeeping exactly.
 */
@DisplayName("Property 17 — quota enforcement over arbitrary operation sequences")
class QuotaStoreProperty17Test {

    private static final YearMonth MONTH = YearMonth.of(2026, 3);

    enum Kind { RESERVE, SETTLE, RELEASE, RESIZE }

    /** One step: what to do, an amount, and which open reservation (by index modulo) it applies to. */
    record Op(Kind kind, long cost, long tokens, int pick, int settlePermille) {}

    private static Gen<Op> ops() {
        Gen<Kind> kinds = Generate.enumValues(Kind.class);
        return kinds.zip(longs().between(0, 4_000), longs().between(0, 600), integers().between(0, 1_000_000),
                (kind, cost, tokens, pick) -> new Op(kind, cost, tokens, pick, pick % 1_001));
    }

    private static Gen<QuotaLimit> limits() {
        Gen<Long> cost = Generate.pick(List.of(0L, 1_000L, 7_777L, 20_000L, QuotaLimit.UNBOUNDED));
        Gen<Long> tokens = Generate.pick(List.of(0L, 500L, 2_000L, QuotaLimit.UNBOUNDED));
        return cost.zip(tokens, QuotaLimit::new);
    }

    @Test
    @DisplayName("settled + reserved <= quota after every step; refusals only when the request does not fit")
    void neverOverTheQuota() {
        qt().withExamples(300).forAll(limits(), lists().of(ops()).ofSizeBetween(1, 80)).checkAssert((limit, ops) -> {
            InMemoryQuotaStore store = new InMemoryQuotaStore(new FakeClock(java.time.Instant.parse("2026-03-10T00:00:00Z")), Duration.ofHours(1), QuotaSeed.NONE);
            List<Reservation> open = new ArrayList<>();
            long settledCost = 0;
            long settledTokens = 0;
            long reservedCost = 0;
            long reservedTokens = 0;
            for (Op op : ops) {
                QuotaAmount amount = new QuotaAmount(op.cost(), op.tokens());
                switch (op.kind()) {
                    case RESERVE -> {
                        boolean fits = op.cost() <= limit.costNanos() - settledCost - reservedCost
                                && op.tokens() <= limit.tokens() - settledTokens - reservedTokens;
                        ReserveResult result = Quotas.reserve(store, "acct", MONTH, amount, limit);
                        assertThat(result instanceof Reservation).as("admitted iff it fits").isEqualTo(fits);
                        if (result instanceof Reservation r) {
                            open.add(r);
                            reservedCost += op.cost();
                            reservedTokens += op.tokens();
                        } else {
                            QuotaRefused refused = (QuotaRefused) result;
                            assertThat(refused.requested()).isGreaterThan(refused.remaining());
                        }
                    }
                    case RESIZE -> {
                        if (open.isEmpty()) {
                            continue;
                        }
                        Reservation held = open.get(op.pick() % open.size());
                        long othersCost = settledCost + reservedCost - held.amount().costNanos();
                        long othersTokens = settledTokens + reservedTokens - held.amount().tokens();
                        boolean fits = op.cost() <= limit.costNanos() - othersCost
                                && op.tokens() <= limit.tokens() - othersTokens;
                        ReserveResult result = store.resize(held, amount, limit);
                        assertThat(result instanceof Reservation).as("resize admitted iff it fits").isEqualTo(fits);
                        if (result instanceof Reservation r) {
                            open.remove(held);
                            open.add(r);
                            reservedCost += op.cost() - held.amount().costNanos();
                            reservedTokens += op.tokens() - held.amount().tokens();
                        }
                    }
                    case SETTLE, RELEASE -> {
                        if (open.isEmpty()) {
                            continue;
                        }
                        Reservation r = open.remove(op.pick() % open.size());
                        // The actual is at most the reservation: the output was capped.
                        long actualCost = op.kind() == Kind.SETTLE ? r.amount().costNanos() * op.settlePermille() / 1_000 : 0;
                        long actualTokens = op.kind() == Kind.SETTLE ? r.amount().tokens() * op.settlePermille() / 1_000 : 0;
                        boolean ended = op.kind() == Kind.SETTLE
                                ? Quotas.ended(store.settle(r, new QuotaAmount(actualCost, actualTokens)))
                                : Quotas.ended(store.release(r));
                        assertThat(ended).isTrue();
                        // Ending twice changes nothing.
                        assertThat(Quotas.ended(store.release(r))).isFalse();
                        assertThat(Quotas.ended(store.settle(r, r.amount()))).isFalse();
                        reservedCost -= r.amount().costNanos();
                        reservedTokens -= r.amount().tokens();
                        settledCost += actualCost;
                        settledTokens += actualTokens;
                    }
                }
                QuotaUsage usage = store.usage("acct", MONTH);
                assertThat(usage).isEqualTo(new QuotaUsage(
                        new QuotaAmount(settledCost, settledTokens), new QuotaAmount(reservedCost, reservedTokens), open.size()));
                assertThat(usage.used().costNanos()).isLessThanOrEqualTo(limit.costNanos());
                assertThat(usage.used().tokens()).isLessThanOrEqualTo(limit.tokens());
                assertThat(usage.settled().costNanos()).isLessThanOrEqualTo(limit.costNanos());
                assertThat(usage.settled().tokens()).isLessThanOrEqualTo(limit.tokens());
            }
        });
    }

    @Test
    @DisplayName("an actual above the reservation is still recorded (the documented bound), and then nothing more fits")
    void actualAboveReservationIsRecorded() {
        InMemoryQuotaStore store = new InMemoryQuotaStore();
        QuotaLimit limit = new QuotaLimit(1_000, QuotaLimit.UNBOUNDED);
        Reservation r = (Reservation) Quotas.reserve(store, "acct", MONTH, new QuotaAmount(900, 9), limit);

        // when the prompt estimate was low and the actual usage exceeds the reservation
        Quotas.ended(store.settle(r, new QuotaAmount(1_050, 11)));

        // then the usage is counted as it happened, over the quota by exactly the underestimate
        assertThat(store.usage("acct", MONTH).settled()).isEqualTo(new QuotaAmount(1_050, 11));
        // and the account is refused from then on, even for nothing at all beyond zero
        assertThat(Quotas.reserve(store, "acct", MONTH, new QuotaAmount(1, 0), limit)).isInstanceOf(QuotaRefused.class);
    }

    @Test
    @DisplayName("a resize that fits only once the old reservation is gone succeeds (no double hold)")
    void resizeDoesNotDoubleHold() {
        InMemoryQuotaStore store = new InMemoryQuotaStore();
        QuotaLimit limit = new QuotaLimit(1_000, QuotaLimit.UNBOUNDED);
        Reservation cheap = (Reservation) Quotas.reserve(store, "acct", MONTH, new QuotaAmount(600, 100), limit);

        // reserving the pricier worst case beside the old one would not fit (600 + 1000 > 1000) ...
        assertThat(Quotas.reserve(store, "acct", MONTH, new QuotaAmount(1_000, 100), limit)).isInstanceOf(QuotaRefused.class);
        // ... but replacing it does
        ReserveResult resized = store.resize(cheap, new QuotaAmount(1_000, 100), limit);

        assertThat(resized).isInstanceOf(Reservation.class);
        assertThat(store.usage("acct", MONTH)).isEqualTo(new QuotaUsage(QuotaAmount.ZERO, new QuotaAmount(1_000, 100), 1));
        assertThat(Quotas.ended(store.release(cheap))).as("the old reservation is ended").isFalse();
        assertThat(Quotas.ended(store.release((Reservation) resized))).isTrue();
        assertThat(store.usage("acct", MONTH).used()).isEqualTo(QuotaAmount.ZERO);
    }
}

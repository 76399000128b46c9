package dev.llmrouter.ports.quota;

import dev.llmrouter.domain.fixtures.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.ports.chat.PromptEstimate;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.4 — a request that would exceed its account's quota is refused before any deployment. */
@DisplayName("Requirement 5.4 — quota admission: worst case reserved, output capped, settled exactly")
class QuotaAdmissionTest {

    // $2.50 / 1M in = 2,500 nano-USD per token; $10 / 1M out = 10,000 nano-USD per token.
    private static final ModelSpec GPT_4O = ModelSpec.builder("gpt-4o").tier(Tier.STANDARD)
            .maxOutputTokens(16_384).pricePerMillion("2.50", "10.00").build();
    private static final ModelSpec PRICIER = ModelSpec.builder("gpt-4-turbo").tier(Tier.PREMIUM)
            .maxOutputTokens(4_096).pricePerMillion("10.00", "30.00").build();

    private final FakeClock clock = FakeClock.at("2026-01-31T23:59:59.999Z");
    private final InMemoryQuotaStore store = new InMemoryQuotaStore(clock, Duration.ofHours(1), QuotaSeed.NONE);
    private final QuotaAdmission admission = new QuotaAdmission(store, clock);

    private static Plan planWithQuota(Quota quota) {
        return Plan.builder("pro").quota(quota).build();
    }

    @Test
    @DisplayName("no max_tokens: the model's maximum output is reserved and must be sent")
    void capsToModelMaximumWhenNoneGiven() {
        QuotaDecision decision = admission.admit("a", planWithQuota(Quota.UNLIMITED), GPT_4O, 1_000, OptionalInt.empty());

        assertThat(decision).isInstanceOfSatisfying(QuotaTicket.class, t -> {
            assertThat(t.maxOutputTokens()).isEqualTo(16_384);
            assertThat(t.worstCaseTokens()).isEqualTo(17_384);
            // 1,000 x 2,500 + 16,384 x 10,000 nano-USD, exactly
            assertThat(t.reservation().amount().cost()).isEqualTo(Money.ofNanos(2_500_000 + 163_840_000));
        });
    }

    @Test
    @DisplayName("a prompt estimate is reserved at its bound, not its expected count")
    void reservesThePromptBound() {
        QuotaDecision decision = admission.admit("a", planWithQuota(Quota.UNLIMITED), GPT_4O,
                new PromptEstimate(250, 1_000), OptionalInt.of(100));

        assertThat(decision).isInstanceOfSatisfying(QuotaTicket.class, t -> {
            assertThat(t.promptTokens()).isEqualTo(1_000);
            assertThat(t.worstCaseTokens()).isEqualTo(1_100);
        });
    }

    @Test
    @DisplayName("max_tokens above the model's maximum is lowered; below it is kept")
    void capsTheCallersMaxTokens() {
        assertThat(QuotaAdmission.effectiveMaxOutputTokens(GPT_4O, OptionalInt.of(100_000))).isEqualTo(16_384);
        assertThat(QuotaAdmission.effectiveMaxOutputTokens(GPT_4O, OptionalInt.of(256))).isEqualTo(256);
    }

    @Test
    @DisplayName("a request whose worst case does not fit is refused, with the month's reset time")
    void refusesWhatDoesNotFit() {
        Plan plan = planWithQuota(Quota.ofCost(Money.ofUsd("0.01")));  // 10,000,000 nano-USD
        // 1,000 x 2,500 + 750 x 10,000 = 10,000,000: fits exactly
        QuotaDecision first = admission.admit("a", plan, GPT_4O, 1_000, OptionalInt.of(750));
        assertThat(first).isInstanceOf(QuotaTicket.class);

        QuotaDecision second = admission.admit("a", plan, GPT_4O, 1, OptionalInt.of(1));

        assertThat(second).isInstanceOfSatisfying(QuotaExceeded.class, e -> {
            assertThat(e.refusal().dimension()).isEqualTo(QuotaDimension.COST);
            assertThat(e.refusal().remaining()).isZero();
            assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        });
    }

    @Test
    @DisplayName("settling replaces the worst case by the actual cost; releasing returns it all")
    void settleAndRelease() {
        Plan plan = planWithQuota(Quota.of(Money.ofUsd("1"), 100_000));
        QuotaTicket ticket = (QuotaTicket) admission.admit("a", plan, GPT_4O, 1_000, OptionalInt.of(500));

        assertThat(admission.settle(ticket, new TokenUsage(990, 120))).isTrue();
        assertThat(admission.settle(ticket, new TokenUsage(990, 120))).as("second settle").isFalse();

        YearMonth january = YearMonth.of(2026, 1);
        assertThat(store.usage("a", january).settled())
                .isEqualTo(new QuotaAmount(990L * 2_500 + 120L * 10_000, 1_110));
        QuotaTicket other = (QuotaTicket) admission.admit("a", plan, GPT_4O, 10, OptionalInt.of(10));
        assertThat(admission.release(other)).isTrue();
        assertThat(store.usage("a", january).reserved()).isEqualTo(QuotaAmount.ZERO);
    }

    @Test
    @DisplayName("fall-down to a pricier model re-reserves atomically; refused, the old ticket stays held")
    void readmitOnAnotherModel() {
        // Room for the pricier worst case only: 1,000 x 10,000 + 500 x 30,000 = 25,000,000 nano-USD
        Plan plan = planWithQuota(Quota.ofCost(Money.ofNanos(25_000_000)));
        QuotaTicket cheap = (QuotaTicket) admission.admit("a", plan, GPT_4O, 1_000, OptionalInt.of(500));

        QuotaDecision moved = admission.readmit(cheap, plan, PRICIER);

        assertThat(moved).isInstanceOfSatisfying(QuotaTicket.class, t -> {
            assertThat(t.model()).isEqualTo(PRICIER);
            assertThat(t.maxOutputTokens()).isEqualTo(500);
            assertThat(t.reservation().amount().costNanos()).isEqualTo(25_000_000);
        });
        QuotaTicket pricier = (QuotaTicket) moved;
        // A second fall-down to a model whose worst case does not fit is refused and keeps the held ticket.
        ModelSpec dearest = ModelSpec.builder("o1").maxOutputTokens(4_096).pricePerMillion("15.00", "60.00").build();
        assertThat(admission.readmit(pricier, plan, dearest)).isInstanceOf(QuotaExceeded.class);
        assertThat(store.usage("a", YearMonth.of(2026, 1)).reserved().costNanos()).isEqualTo(25_000_000);
        assertThat(admission.release(pricier)).isTrue();
    }

    @Test
    @DisplayName("month rollover (UTC) resets the quota; a request admitted in January settles in January")
    void monthRolloverResets() {
        Plan plan = planWithQuota(Quota.ofTokens(1_000));
        QuotaTicket january = (QuotaTicket) admission.admit("a", plan, GPT_4O, 500, OptionalInt.of(500));
        assertThat(admission.admit("a", plan, GPT_4O, 1, OptionalInt.of(1))).isInstanceOf(QuotaExceeded.class);

        // one millisecond later it is February in UTC (though still January 31 in New York)
        clock.advance(Duration.ofMillis(1));
        QuotaDecision february = admission.admit("a", plan, GPT_4O, 500, OptionalInt.of(500));

        assertThat(february).isInstanceOf(QuotaTicket.class);
        admission.settle(january, new TokenUsage(500, 400));
        assertThat(store.usage("a", YearMonth.of(2026, 1)).settled().tokens()).isEqualTo(900);
        assertThat(store.usage("a", YearMonth.of(2026, 2)).used().tokens()).isEqualTo(1_000);
        assertThat(QuotaAdmission.periodOf(Instant.parse("2026-02-01T00:30:00+01:00"))).isEqualTo(YearMonth.of(2026, 1));
    }
}

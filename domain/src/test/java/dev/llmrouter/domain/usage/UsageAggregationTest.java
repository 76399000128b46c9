package dev.llmrouter.domain.usage;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 5.3: cost and tokens grouped by creator, model, operation, tier, deployment. */
@DisplayName("Requirement 5.3 — usage aggregation")
class UsageAggregationTest {

    private final List<UsageRecord> records = List.of(
            aUsageRecord().creator("alice").model("gpt-4o").operation("summarize").tier(Tier.STANDARD)
                    .deployment("gpt-4o-eastus").tokens(100, 10).costNanos(1_000).build(),
            aUsageRecord().creator("bob").model("gpt-4o").operation("").tier(Tier.STANDARD)
                    .deployment("gpt-4o-westeurope").tokens(200, 20).costNanos(2_000).build(),
            aUsageRecord().creator("alice").model("gpt-4.1-nano").operation("classify").tier(Tier.ECONOMY)
                    .deployment("nano-eastus").tokens(1_000, 1).costNanos(7).build(),
            aUsageRecord().creator("").model("o3").operation("summarize").tier(Tier.PREMIUM)
                    .deployment("o3-eastus").tokens(5, 500).costNanos(3_000_000_001L).build());

    @Test
    void groups_by_creator_with_exact_sums_and_keeps_records_without_a_creator() {
        UsageSummary summary = UsageAggregation.aggregate(records, UsageDimension.CREATOR);

        assertThat(summary.groups()).containsExactly(
                new UsageGroup("", new UsageTotals(1, 5, 500, Money.ofNanos(3_000_000_001L))),
                new UsageGroup("bob", new UsageTotals(1, 200, 20, Money.ofNanos(2_000))),
                new UsageGroup("alice", new UsageTotals(2, 1_100, 11, Money.ofNanos(1_007))));
        assertThat(summary.total()).isEqualTo(new UsageTotals(4, 1_305, 531, Money.ofNanos(3_000_003_008L)));
    }

    @Test
    void groups_by_model_operation_tier_and_deployment() {
        assertThat(keys(UsageDimension.MODEL)).containsExactly("o3", "gpt-4o", "gpt-4.1-nano");
        assertThat(keys(UsageDimension.OPERATION)).containsExactly("summarize", "", "classify");
        assertThat(keys(UsageDimension.TIER)).containsExactly("premium", "standard", "economy");
        assertThat(keys(UsageDimension.DEPLOYMENT))
                .containsExactly("o3-eastus", "gpt-4o-westeurope", "gpt-4o-eastus", "nano-eastus");

        UsageSummary byModel = UsageAggregation.aggregate(records, UsageDimension.MODEL);
        assertThat(byModel.groups().get(1).totals())
                .isEqualTo(new UsageTotals(2, 300, 30, Money.ofNanos(3_000)));
    }

    @Test
    void equal_costs_are_ordered_by_key() {
        List<UsageRecord> tied = List.of(
                aUsageRecord().creator("zed").costNanos(5).build(),
                aUsageRecord().creator("amy").costNanos(5).build(),
                aUsageRecord().creator("max").costNanos(9).build());

        assertThat(UsageAggregation.aggregate(tied, UsageDimension.CREATOR).groups())
                .extracting(UsageGroup::key).containsExactly("max", "amy", "zed");
    }

    @Test
    void no_records_give_no_groups_and_a_zero_total() {
        UsageSummary summary = UsageAggregation.aggregate(List.of(), UsageDimension.MODEL);

        assertThat(summary.groups()).isEmpty();
        assertThat(summary.total()).isEqualTo(UsageTotals.ZERO);
    }

    @Test
    void a_sum_beyond_the_range_of_money_fails_instead_of_wrapping() {
        List<UsageRecord> huge = List.of(
                aUsageRecord().costNanos(Long.MAX_VALUE).build(), aUsageRecord().costNanos(1).build());

        assertThatThrownBy(() -> UsageAggregation.aggregate(huge, UsageDimension.MODEL))
                .isInstanceOf(ArithmeticException.class);
    }

    private List<String> keys(UsageDimension dimension) {
        return UsageAggregation.aggregate(records, dimension).groups().stream().map(UsageGroup::key).toList();
    }
}

package dev.llmrouter.domain.usage;

import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.domain.catalog.Tier;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Requirement 5.3, as properties: for any records and any dimension, the groups add up to the total,
 * and both equal a straightforward reference computation (per-record {@link BigInteger} sums, so a
 * wrong long sum cannot hide); every key appears once and the order is cost descending, then key.
 */
@DisplayName("Requirement 5.3 — aggregation properties")
class UsageAggregationPropertyTest {

    private static final List<String> CREATORS = List.of("", "alice", "bob", "carol");
    private static final List<String> MODELS = List.of("gpt-4o", "gpt-4.1-nano", "o3");
    private static final List<String> OPERATIONS = List.of("", "summarize", "classify");

    private static final Gen<UsageRecord> RECORDS = integers().between(0, Integer.MAX_VALUE).zip(
            longs().between(0, 2_000_000), longs().between(0, 100_000), longs().between(0, 50_000_000_000L),
            (choice, in, out, nanos) -> aUsageRecord()
                    .creator(CREATORS.get(choice % CREATORS.size()))
                    .model(MODELS.get((choice / 4) % MODELS.size()))
                    .operation(OPERATIONS.get((choice / 12) % OPERATIONS.size()))
                    .tier(Tier.values()[(choice / 36) % Tier.values().length])
                    .deployment("dep-" + (choice / 108) % 5)
                    .region((choice / 540) % 2 == 0 ? "eastus" : "westeurope")
                    .tokens(in, out).costNanos(nanos).build());

    private static final Gen<UsageDimension> DIMENSIONS =
            integers().between(0, UsageDimension.values().length - 1).map(i -> UsageDimension.values()[i]);

    @Test
    void groups_sum_to_the_total_and_both_match_a_reference_computation() {
        qt().withExamples(300).forAll(lists().of(RECORDS).ofSizeBetween(0, 60), DIMENSIONS)
                .checkAssert((records, dimension) -> {
                    UsageSummary summary = UsageAggregation.aggregate(records, dimension);

                    UsageTotals sumOfGroups = summary.groups().stream()
                            .map(UsageGroup::totals).reduce(UsageTotals.ZERO, UsageTotals::plus);
                    assertThat(sumOfGroups).isEqualTo(summary.total());
                    assertThat(summary.total()).isEqualTo(reference(records));

                    Map<String, List<UsageRecord>> byKey = new TreeMap<>();
                    records.forEach(r -> byKey.computeIfAbsent(dimension.keyOf(r), k -> new java.util.ArrayList<>()).add(r));
                    assertThat(summary.groups()).hasSize(byKey.size());
                    for (UsageGroup group : summary.groups()) {
                        assertThat(group.totals()).isEqualTo(reference(byKey.get(group.key())));
                    }
                    assertThat(summary.groups()).isSortedAccordingTo(UsageGroup.BY_COST_DESC_THEN_KEY);
                });
    }

    /** Sums each field one record at a time in BigInteger, independent of the production code. */
    private static UsageTotals reference(List<UsageRecord> records) {
        BigInteger in = BigInteger.ZERO;
        BigInteger out = BigInteger.ZERO;
        BigInteger nanos = BigInteger.ZERO;
        for (UsageRecord r : records) {
            in = in.add(BigInteger.valueOf(r.tokens().inputTokens()));
            out = out.add(BigInteger.valueOf(r.tokens().outputTokens()));
            nanos = nanos.add(BigInteger.valueOf(r.cost().nanos()));
        }
        return new UsageTotals(records.size(), in.longValueExact(), out.longValueExact(),
                dev.llmrouter.domain.money.Money.ofNanos(nanos.longValueExact()));
    }
}

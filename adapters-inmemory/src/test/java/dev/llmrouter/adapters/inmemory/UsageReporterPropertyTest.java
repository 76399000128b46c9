package dev.llmrouter.adapters.inmemory;

import dev.llmrouter.ports.quota.*;
import dev.llmrouter.ports.ratelimit.*;
import dev.llmrouter.ports.usage.*;
import dev.llmrouter.domain.fixtures.FakeClock;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.T0;
import static dev.llmrouter.domain.fixtures.UsageRecordBuilder.aUsageRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.usage.UsageQueryUseCase.GroupBy;
import dev.llmrouter.ports.usage.UsageQueryUseCase.Line;
import dev.llmrouter.ports.usage.UsageQueryUseCase.UsageReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Requirements 5.1 and 5.3 end to end, as a property: for any records appended to the ledger (any
 * accounts, any times, in any order) and any range and grouping, the report equals a reference
 * computation that filters the records itself ({@code from <= time < to}, the one account) and sums
 * each group in {@code long} arithmetic; the lines add up to the total.
 */
@DisplayName("Requirements 5.1, 5.3 — usage report property")
class UsageReporterPropertyTest {

    private static final List<String> ACCOUNTS = List.of("acme", "globex");
    private static final List<String> NAMES = List.of("", "a", "b", "c");

    /** Times on a coarse grid (milliseconds in 0..50) so that boundaries are hit often. */
    private static final Gen<UsageRecord> RECORDS = integers().between(0, Integer.MAX_VALUE).zip(
            integers().between(0, 50), longs().between(0, 10_000), longs().between(0, 1_000_000_000L),
            (choice, millis, tokens, nanos) -> aUsageRecord()
                    .account(ACCOUNTS.get(choice % 2))
                    .creator(NAMES.get((choice / 2) % 4))
                    .operation(NAMES.get((choice / 8) % 4))
                    .model("m" + (choice / 32) % 3)
                    .deployment("d" + (choice / 96) % 4)
                    .tier(Tier.values()[(choice / 384) % 3])
                    .at(T0.plusMillis(millis)).tokens(tokens, tokens / 3).costNanos(nanos).build());

    @Test
    void the_report_equals_a_reference_over_the_half_open_range() {
        qt().withExamples(200).forAll(
                        lists().of(RECORDS).ofSizeBetween(0, 40),
                        integers().between(0, 50), integers().between(0, 50),
                        integers().between(0, GroupBy.values().length - 1))
                .checkAssert((records, a, b, g) -> {
                    Instant from = T0.plusMillis(Math.min(a, b));
                    Instant to = T0.plusMillis(Math.max(a, b));
                    GroupBy groupBy = GroupBy.values()[g];
                    InMemoryUsageLedger ledger = new InMemoryUsageLedger();
                    records.forEach(ledger::append);

                    UsageReport report = new UsageReporter(ledger).usage("acme", from, to, groupBy);

                    List<UsageRecord> inScope = records.stream().filter(r -> r.accountId().equals("acme")
                            && !r.time().isBefore(from) && r.time().isBefore(to)).toList();
                    assertThat(report.lines()).isEqualTo(referenceLines(inScope, key(groupBy)));
                    assertThat(report.total()).isEqualTo(sum("", inScope));
                    assertThat(report.lines().stream().mapToLong(l -> l.cost().nanos()).sum())
                            .isEqualTo(report.total().cost().nanos());
                    assertThat(report.lines().stream().mapToLong(Line::requests).sum()).isEqualTo(inScope.size());
                });
    }

    private static List<Line> referenceLines(List<UsageRecord> records, Function<UsageRecord, String> key) {
        Map<String, List<UsageRecord>> groups = new TreeMap<>();
        for (UsageRecord r : records) {
            groups.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
        }
        List<Line> lines = new ArrayList<>();
        groups.forEach((k, rs) -> lines.add(sum(k, rs)));
        lines.sort(Comparator.comparing(Line::cost, Comparator.reverseOrder()).thenComparing(Line::key));
        return lines;
    }

    private static Line sum(String key, List<UsageRecord> records) {
        long in = 0;
        long out = 0;
        long nanos = 0;
        for (UsageRecord r : records) {
            in += r.tokens().inputTokens();
            out += r.tokens().outputTokens();
            nanos += r.cost().nanos();
        }
        return new Line(key, records.size(), in, out, Money.ofNanos(nanos));
    }

    private static Function<UsageRecord, String> key(GroupBy groupBy) {
        return switch (groupBy) {
            case CREATOR -> UsageRecord::creator;
            case MODEL -> UsageRecord::model;
            case OPERATION -> UsageRecord::operation;
            case TIER -> r -> r.tier().id();
            case DEPLOYMENT -> UsageRecord::deployment;
        };
    }
}

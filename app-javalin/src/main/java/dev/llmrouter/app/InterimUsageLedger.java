package dev.llmrouter.app;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.usage.UsageLedger;
import dev.llmrouter.ports.usage.UsageQueryUseCase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A stand-in ledger and usage report while the real ones are not part of the build: records in a
 * list, grouped on demand. Package-private; it goes when the real ledger is wired.
 */
final class InterimUsageLedger implements UsageLedger, UsageQueryUseCase {

    private final List<UsageRecord> records = new ArrayList<>();

    @Override
    public synchronized void append(UsageRecord record) {
        records.add(record);
    }

    @Override
    public synchronized List<UsageRecord> records(String accountId, Instant from, Instant to) {
        return records.stream()
                .filter(r -> r.accountId().equals(accountId) && !r.time().isBefore(from) && r.time().isBefore(to))
                .sorted(Comparator.comparing(UsageRecord::time))
                .toList();
    }

    @Override
    public UsageReport usage(String accountId, Instant from, Instant to, GroupBy groupBy) {
        Function<UsageRecord, String> key = switch (groupBy) {
            case CREATOR -> UsageRecord::creator;
            case MODEL -> UsageRecord::model;
            case OPERATION -> UsageRecord::operation;
            case TIER -> r -> r.tier().id();
            case DEPLOYMENT -> UsageRecord::deployment;
        };
        Map<String, Line> lines = new LinkedHashMap<>();
        Line total = new Line("", 0, 0, 0, Money.ZERO);
        for (UsageRecord r : records(accountId, from, to)) {
            lines.merge(key.apply(r), line(key.apply(r), r), InterimUsageLedger::plus);
            total = plus(total, line("", r));
        }
        List<Line> sorted = lines.values().stream()
                .sorted(Comparator.comparing(Line::cost).reversed().thenComparing(Line::key))
                .toList();
        return new UsageReport(accountId, from, to, groupBy, sorted, total);
    }

    private static Line line(String key, UsageRecord r) {
        return new Line(key, 1, r.tokens().inputTokens(), r.tokens().outputTokens(), r.cost());
    }

    private static Line plus(Line a, Line b) {
        return new Line(a.key(), a.requests() + b.requests(), a.inputTokens() + b.inputTokens(),
                a.outputTokens() + b.outputTokens(), a.cost().plus(b.cost()));
    }
}

package dev.llmrouter.ports.usage;

import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A ledger in memory, for embedders and tests: keeps every record in arrival order. Thread-safe; reads
 * scan (fine for tests and small embedded use, not for a production gateway).
 */
public final class InMemoryUsageLedger implements UsageLedger {

    private final List<UsageRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public void append(UsageRecord record) {
        records.add(java.util.Objects.requireNonNull(record, "record"));
    }

    @Override
    public List<UsageRecord> records(String accountId, Instant from, Instant to) {
        List<UsageRecord> out = new ArrayList<>();
        for (UsageRecord r : records) {
            if (r.accountId().equals(accountId) && !r.time().isBefore(from) && r.time().isBefore(to)) {
                out.add(r);
            }
        }
        out.sort(java.util.Comparator.comparing(UsageRecord::time));
        return out;
    }

    /** Every record, in arrival order. */
    public List<UsageRecord> all() {
        return List.copyOf(records);
    }
}

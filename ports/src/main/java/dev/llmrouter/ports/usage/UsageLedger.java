package dev.llmrouter.ports.usage;

import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Instant;
import java.util.List;

/**
 * Outbound port: where usage records go. Append-only; a database implements it with one insert per
 * record and an index on (account, time).
 *
 * <p>Implementations must make {@link #append} safe to call from many threads and must not lose a
 * record once {@code append} returned, except where they state a bound: an in-memory ledger keeps the
 * newest records up to its bound and counts what it drops ({@link InMemoryUsageLedger}); a durable one
 * keeps everything.
 */
public interface UsageLedger {

    void append(UsageRecord record);

    /** The account's records with {@code from <= time < to}, in time order. */
    List<UsageRecord> records(String accountId, Instant from, Instant to);
}

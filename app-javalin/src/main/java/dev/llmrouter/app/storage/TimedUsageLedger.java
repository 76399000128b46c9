package dev.llmrouter.app.storage;

import dev.llmrouter.domain.usage.UsageDimension;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.domain.usage.UsageSummary;
import dev.llmrouter.ports.usage.UsageLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A durable ledger whose appends are timed in {@code llm_router_usage_ledger_append_seconds}: how long
 * a request waits, before the end of its response goes out, for its usage record to be durable (its
 * group commit, or the spool). The timer publishes a percentile histogram, so an operator (or the
 * overhead harness) reads the wait's p50 and p99 from {@code /metrics} over any interval, apart from
 * the rest of the gateway's latency. Queries pass through untimed.
 */
final class TimedUsageLedger implements UsageLedger {

    static final String APPEND_WAIT = "llm_router_usage_ledger_append";

    private final UsageLedger ledger;
    private final Timer appends;

    TimedUsageLedger(UsageLedger ledger, MeterRegistry registry) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.appends = Timer.builder(APPEND_WAIT)
                .description("How long an append waited for its usage record to be durable (group commit or spool)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    @Override
    public void append(UsageRecord record) {
        long start = System.nanoTime();
        try {
            ledger.append(record);
        } finally {
            appends.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void appendAll(List<UsageRecord> records) {
        long start = System.nanoTime();
        try {
            ledger.appendAll(records);
        } finally {
            appends.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public UsageSummary totals(String accountId, Instant from, Instant to, UsageDimension by) {
        return ledger.totals(accountId, from, to, by);
    }

    @Override
    public RecordPage records(String accountId, Instant from, Instant to, int limit, Optional<String> after) {
        return ledger.records(accountId, from, to, limit, after);
    }
}

package dev.llmrouter.adapters.jdbc;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A {@link UsageRecord} as a row of {@code usage_record} and back: times and durations in nanoseconds,
 * money in nano-dollars, tiers by id, the path as one text ({@link FieldText#joinPath}), every token kind
 * in a column of its own.
 */
final class UsageRows {

    static final String COLUMNS = "request_id, time_nanos, account_id, creator, plan_id, operation, requested_tier,"
            + " tier, model, deployment, region, input_tokens, output_tokens, cost_nanos, latency_nanos, ttft_nanos,"
            + " outcome, path, cached_input_tokens, cache_write_tokens, reasoning_tokens, spilled_from";
    /** How many columns {@link #COLUMNS} names: a query's next column is the first after the record. */
    static final int COLUMN_COUNT = 22;
    static final String PLACEHOLDERS = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

    private UsageRows() {}

    /**
     * Epoch nanoseconds of {@code time}: exact, and a {@code long} holds 1677 to 2262.
     *
     * @throws IllegalArgumentException outside that range
     */
    static long epochNanos(Instant time) {
        try {
            return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L), time.getNano());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a usage record's time must be between 1677 and 2262: " + time, e);
        }
    }

    static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    /** Binds every column of {@code r} from parameter {@code first} on. */
    static void bind(PreparedStatement s, int first, UsageRecord r) throws SQLException {
        int i = first;
        setNullable(s, i++, r.requestId().isEmpty() ? null : r.requestId());
        s.setLong(i++, epochNanos(r.time()));
        s.setString(i++, r.accountId());
        s.setString(i++, r.creator());
        s.setString(i++, r.planId());
        s.setString(i++, r.operation());
        setNullable(s, i++, r.requestedTier().map(Tier::id).orElse(null));
        s.setString(i++, r.tier().id());
        s.setString(i++, r.model());
        s.setString(i++, r.deployment());
        s.setString(i++, r.region());
        s.setLong(i++, r.tokens().inputTokens());
        s.setLong(i++, r.tokens().outputTokens());
        s.setLong(i++, r.cost().nanos());
        s.setLong(i++, r.latency().toNanos());
        if (r.timeToFirstToken().isPresent()) {
            s.setLong(i++, r.timeToFirstToken().get().toNanos());
        } else {
            s.setNull(i++, Types.BIGINT);
        }
        s.setString(i++, r.outcome().name());
        s.setString(i++, FieldText.joinPath(r.path()));
        s.setLong(i++, r.tokens().cachedInputTokens());
        s.setLong(i++, r.tokens().cacheWriteTokens());
        s.setLong(i++, r.tokens().reasoningTokens());
        s.setString(i, r.spilledFrom());
    }

    private static void setNullable(PreparedStatement s, int i, String value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.VARCHAR);
        } else {
            s.setString(i, value);
        }
    }

    /** The record of the current row, whose first columns are {@link #COLUMNS} in order. */
    static UsageRecord read(ResultSet rs) throws SQLException {
        String requestId = rs.getString(1);
        long time = rs.getLong(2);
        String account = rs.getString(3);
        String creator = rs.getString(4);
        String plan = rs.getString(5);
        String operation = rs.getString(6);
        Optional<Tier> requestedTier = Optional.ofNullable(rs.getString(7)).flatMap(Tier::parse);
        Tier tier = Tier.parse(rs.getString(8)).orElseThrow(() -> new SQLException("unknown tier in usage_record"));
        String model = rs.getString(9);
        String deployment = rs.getString(10);
        String region = rs.getString(11);
        TokenUsage tokens = new TokenUsage(rs.getLong(12), rs.getLong(13), rs.getLong(19), rs.getLong(20), rs.getLong(21));
        Money cost = Money.ofNanos(rs.getLong(14));
        Duration latency = Duration.ofNanos(rs.getLong(15));
        long ttft = rs.getLong(16);
        Optional<Duration> timeToFirstToken = rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofNanos(ttft));
        UsageOutcome outcome = UsageOutcome.valueOf(rs.getString(17));
        return new UsageRecord(requestId == null ? "" : requestId, instant(time), account, creator, plan, operation,
                requestedTier, tier, model, deployment, region, tokens, cost, latency, timeToFirstToken, outcome,
                FieldText.splitPath(rs.getString(18)), rs.getString(22));
    }
}

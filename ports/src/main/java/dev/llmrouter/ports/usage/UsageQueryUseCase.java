package dev.llmrouter.ports.usage;

import dev.llmrouter.domain.money.Money;
import java.time.Instant;
import java.util.List;

/**
 * Inbound port: cost and tokens of one account over a time range, grouped (Requirement 5.3).
 * Callers only ever see their own account: the account id comes from authentication, never from the
 * request.
 */
public interface UsageQueryUseCase {

    UsageReport usage(String accountId, Instant from, Instant to, GroupBy groupBy);

    /** The dimension to group by. */
    enum GroupBy {
        CREATOR,
        MODEL,
        OPERATION,
        TIER,
        DEPLOYMENT
    }

    /** One group's totals. {@code key} is empty for records without a value in that dimension. */
    record Line(String key, long requests, long inputTokens, long outputTokens, Money cost) {}

    /** The report: groups sorted by cost (highest first), then key; and the overall totals. */
    record UsageReport(
            String accountId, Instant from, Instant to, GroupBy groupBy, List<Line> lines, Line total) {}
}

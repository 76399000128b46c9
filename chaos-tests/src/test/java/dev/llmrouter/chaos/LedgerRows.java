package dev.llmrouter.chaos;

import dev.llmrouter.domain.money.Money;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The ledger's records read straight from PostgreSQL with plain JDBC: what the checks compare with
 * the callers' answers and the deployments' journals. Deliberately not through the gateway's ledger
 * adapter: a check that read through the code under test could share its mistakes.
 */
final class LedgerRows {

    /**
     * One record as stored.
     *
     * @param requestId the request id (the table's unique key)
     * @param time      when the request completed
     * @param latency   from admission to the end of the answer, so {@code time - latency} is when the
     *                  request was admitted (what a rate limit counts)
     * @param costNanos the exact cost, in nano-dollars
     */
    record Row(String requestId, Instant time, Duration latency, long costNanos, String outcome, String deployment) {

        Instant admittedAt() {
            return time.minus(latency);
        }
    }

    private LedgerRows() {}

    static final String SELECT = "SELECT request_id, time_nanos, latency_nanos, cost_nanos, outcome, deployment "
            + "FROM usage_record WHERE account_id = ? ORDER BY time_nanos, seq";

    /** Every record of {@code account}. */
    static List<Row> of(SharedStores stores, String account) {
        try (Connection c = stores.connect(); PreparedStatement st = c.prepareStatement(SELECT)) {
            st.setString(1, account);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long t = rs.getLong(2);
                    rows.add(new Row(rs.getString(1), Instant.ofEpochSecond(0, t), Duration.ofNanos(rs.getLong(3)),
                            rs.getLong(4), rs.getString(5), rs.getString(6)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new AssertionError("reading the ledger: " + e, e);
        }
    }

    static Money totalCost(List<Row> rows) {
        return Money.ofNanos(rows.stream().mapToLong(Row::costNanos).sum());
    }

    static long count(List<Row> rows, String outcome) {
        return rows.stream().filter(r -> r.outcome().equals(outcome)).count();
    }

    static Set<String> requestIds(List<Row> rows) {
        return rows.stream().map(Row::requestId).collect(Collectors.toCollection(HashSet::new));
    }

    static Map<String, Row> byRequestId(List<Row> rows) {
        return rows.stream().collect(Collectors.toMap(Row::requestId, Function.identity()));
    }

    /**
     * The most records admitted within any rolling window of {@code window} (a two-pointer sweep over
     * the sorted admission times): what a per-minute limit must bound across every replica
     * (Requirement 7.3).
     */
    static int busiestWindow(List<Row> rows, Duration window) {
        long[] t = rows.stream().mapToLong(r -> r.admittedAt().getEpochSecond() * 1_000_000_000L + r.admittedAt().getNano())
                .toArray();
        Arrays.sort(t);
        long w = window.toNanos();
        int best = 0;
        for (int lo = 0, hi = 0; hi < t.length; hi++) {
            while (t[hi] - t[lo] >= w) {
                lo++;
            }
            best = Math.max(best, hi - lo + 1);
        }
        return best;
    }
}

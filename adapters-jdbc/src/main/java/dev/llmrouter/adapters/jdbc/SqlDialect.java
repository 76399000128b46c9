package dev.llmrouter.adapters.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one place where PostgreSQL and H2 differ: how an insert skips a request id that is already
 * stored. Both keep the first record written and never update it.
 */
enum SqlDialect {
    POSTGRES("INSERT INTO usage_record (" + UsageRows.COLUMNS + ") VALUES (" + UsageRows.PLACEHOLDERS
            + ") ON CONFLICT (request_id) DO NOTHING", false),
    /** Standard {@code MERGE ... WHEN NOT MATCHED}: the request id is bound once more, first. */
    H2("MERGE INTO usage_record t USING (SELECT CAST(? AS VARCHAR(256)) AS request_id) s"
            + " ON t.request_id = s.request_id WHEN NOT MATCHED THEN INSERT (" + UsageRows.COLUMNS + ") VALUES ("
            + UsageRows.PLACEHOLDERS + ")", true);

    private final String insert;
    private final boolean bindsKeyFirst;

    SqlDialect(String insert, boolean bindsKeyFirst) {
        this.insert = insert;
        this.bindsKeyFirst = bindsKeyFirst;
    }

    String insert() {
        return insert;
    }

    /** The parameter index of the first column: after the request id the statement binds up front, if any. */
    int firstColumnIndex() {
        return bindsKeyFirst ? 2 : 1;
    }

    boolean bindsKeyFirst() {
        return bindsKeyFirst;
    }

    static SqlDialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        if ("PostgreSQL".equalsIgnoreCase(product)) {
            return POSTGRES;
        }
        if ("H2".equalsIgnoreCase(product)) {
            return H2;
        }
        throw new SQLException("the usage ledger runs on PostgreSQL or H2, not " + product);
    }
}

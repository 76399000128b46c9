package dev.llmrouter.app.config;

/**
 * The in-memory usage ledger's bound (Requirement 9.4): past {@code maxRecords} records over all
 * accounts, the oldest is dropped and counted in {@code llm_router_usage_ledger_dropped_total}.
 *
 * @param maxRecords the most usage records held in memory (its bound: {@link ConfigFile.LedgerEntry})
 */
public record LedgerSettings(long maxRecords) {

    /**
     * About 60 MB of records (each holds some 600 bytes with its index entries): room in the default
     * heap of a 1 GB machine, and a few minutes of history at several hundred requests a second.
     */
    public static final long DEFAULT_MAX_RECORDS = 100_000;

    public static final LedgerSettings DEFAULTS = new LedgerSettings(DEFAULT_MAX_RECORDS);

}

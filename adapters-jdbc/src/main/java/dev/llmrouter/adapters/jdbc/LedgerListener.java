package dev.llmrouter.adapters.jdbc;

/**
 * What the ledger's committer does, for metrics and readiness: every database transaction it commits,
 * every batch it spools, every spool chunk it ships. Called on the committer thread; an observer that
 * throws is logged and ignored, never breaks a commit.
 */
public interface LedgerListener {

    LedgerListener NONE = new LedgerListener() {};

    /** One database transaction committed with {@code records} new appends (a group commit). */
    default void committed(int records) {}

    /** {@code records} appends written to the local spool and fsynced, because the database was unreachable. */
    default void spooled(int records) {}

    /** {@code records} spooled records written to the database in one transaction. */
    default void shipped(int records) {}

    /** The database stopped answering; records go to the spool until it does. */
    default void databaseUnavailable(Exception cause) {}

    /** Lines of the spool that failed their checksum (a torn or damaged write), skipped. */
    default void spoolLinesSkipped(int lines) {}
}

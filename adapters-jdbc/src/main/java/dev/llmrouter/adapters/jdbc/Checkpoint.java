package dev.llmrouter.adapters.jdbc;

/**
 * The points of the committer where a process may die with consequences worth proving: between the
 * database write and its commit, between a commit (or a spool write) and the acknowledgements, between
 * shipping spooled records and emptying the spool. Tests stop the committer at each one.
 */
enum Checkpoint {
    BEFORE_COMMIT,
    AFTER_COMMIT,
    AFTER_SPOOL_WRITE,
    BEFORE_SHIP_COMMIT,
    AFTER_SHIP_COMMIT;

    /** Told each point as the committer reaches it; whatever it throws ends the committer there. */
    interface Observer {
        Observer NONE = point -> {};

        void reached(Checkpoint point);
    }
}

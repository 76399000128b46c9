package dev.llmrouter.ports.quota;

/** A reservation was open and is now ended: this call changed the month. */
public enum Ended implements EndResult {
    /** Ended within its lease: its worst case was held until now. */
    WITHIN_LEASE,
    /**
     * Ended after its lease had expired: its worst case had already been released; a settle still
     * counted the actual usage.
     */
    AFTER_LEASE
}

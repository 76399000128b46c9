package dev.llmrouter.adapters.jdbc;

/**
 * The ledger could not take a record (neither the database nor the local spool acknowledged it within
 * the append deadline) or cannot answer a query now. Unchecked, as the router's usage recorder expects
 * of a ledger that refuses a record: it logs it and keeps serving.
 */
public final class UsageLedgerUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageLedgerUnavailableException(String message) {
        super(message);
    }

    public UsageLedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

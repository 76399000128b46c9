package dev.llmrouter.domain.usage;

/** How a request that reached a deployment ended, as recorded in its usage record. */
public enum UsageOutcome {
    SUCCESS,
    /** A deployment's final error (bad request, content filter, context length) passed on. */
    FINAL_ERROR,
    /** Every candidate failed. */
    EXHAUSTED,
    /** A stream cut by the deployment after content was sent. */
    STREAM_INTERRUPTED,
    /** A stream the caller abandoned. */
    CANCELLED
}

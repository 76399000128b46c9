package dev.llmrouter.ports.quota;

/** The answer of {@link QuotaStore#settle} and {@link QuotaStore#release}. */
public sealed interface EndResult permits Ended, NotOpen, StoreUnavailable {}

package dev.llmrouter.domain.breaker;

/**
 * The name of a breaker's state, for reporting only (gauges, events, the operators' view).
 * Behaviour lives in the {@link BreakerState} types, never in a switch over this enum.
 */
public enum BreakerStatus {
    CLOSED,
    OPEN,
    HALF_OPEN
}

package dev.llmrouter.domain.breaker;

/**
 * Receives each {@link BreakerTransition} (telemetry, logs). Called on the thread whose call caused
 * the transition, after the new state is in place; a listener that throws is ignored by the breaker
 * (observers never break the call path), so it should be quick and never block.
 */
@FunctionalInterface
public interface BreakerListener {

    /** A listener that drops every event. */
    BreakerListener NONE = transition -> { };

    void onTransition(BreakerTransition transition);
}

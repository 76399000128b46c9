package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

/**
 * A breaker's transition counts ({@code closed->open}, {@code open->half_open},
 * {@code half_open->closed}, {@code half_open->open}) checked for consistency: they must be the
 * counts of one walk of the state machine from closed, ending in the state the operator view shows.
 */
record BreakerLedger(long closedToOpen, long openToHalfOpen, long halfOpenToClosed, long halfOpenToOpen) {

    static BreakerLedger of(Map<String, Long> transitions) {
        assertThat(transitions.keySet()).as("only the machine's four transitions")
                .isSubsetOf("closed->open", "open->half_open", "half_open->closed", "half_open->open");
        return new BreakerLedger(transitions.getOrDefault("closed->open", 0L),
                transitions.getOrDefault("open->half_open", 0L), transitions.getOrDefault("half_open->closed", 0L),
                transitions.getOrDefault("half_open->open", 0L));
    }

    long opened() {
        return closedToOpen + halfOpenToOpen;
    }

    long total() {
        return closedToOpen + openToHalfOpen + halfOpenToClosed + halfOpenToOpen;
    }

    /** The state this walk ends in; fails when the counts are no walk at all. */
    String endState() {
        long inClosed = 1 + halfOpenToClosed - closedToOpen;
        long inOpen = closedToOpen + halfOpenToOpen - openToHalfOpen;
        long inHalfOpen = openToHalfOpen - halfOpenToClosed - halfOpenToOpen;
        assertThat(new long[] {inClosed, inOpen, inHalfOpen}).as("one walk from closed: %s", this)
                .containsOnly(0L, 1L)
                .satisfies(a -> assertThat(a[0] + a[1] + a[2]).isEqualTo(1L));
        return inClosed == 1 ? "closed" : inOpen == 1 ? "open" : "half_open";
    }

    @Override
    public String toString() {
        return closedToOpen + " closed→open, " + openToHalfOpen + " open→half_open, " + halfOpenToClosed
                + " half_open→closed, " + halfOpenToOpen + " half_open→open";
    }
}

package dev.llmrouter.domain.breaker;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * An obviously correct model of the breaker for the stateful properties: it keeps every outcome since
 * the breaker last closed in a plain list and recomputes the window by filtering it, computes open
 * durations with {@link BigInteger} (no overflow care), and knows nothing of atomics or bit rings.
 * The tests drive it and the real {@link CircuitBreaker} with the same commands and compare.
 */
final class ReferenceBreaker {

    record Outcome(long atNanos, boolean failed) {
    }

    record Expected(BreakerStatus from, BreakerStatus to, long atNanos) {
    }

    final BreakerConfig config;
    BreakerStatus status = BreakerStatus.CLOSED;
    final List<Outcome> outcomes = new ArrayList<>();
    long openedAt;
    long until;
    int failedEpisodes;
    int admitted;
    int succeeded;
    final List<Expected> transitions = new ArrayList<>();
    /** The window the last closed-state outcome was judged over: its calls and failures. */
    int judgedCalls;
    long judgedFailures;

    ReferenceBreaker(BreakerConfig config) {
        this.config = config;
    }

    boolean permit(long now) {
        switch (status) {
            case CLOSED:
                return true;
            case OPEN:
                if (now < until) {
                    return false;
                }
                move(BreakerStatus.HALF_OPEN, now);
                admitted = 1;
                succeeded = 0;
                return true;
            default:
                if (admitted < config.halfOpenProbes()) {
                    admitted++;
                    return true;
                }
                return false;
        }
    }

    void outcome(boolean failure, long durationNanos, long now) {
        boolean failed = failure || config.slowCallThreshold()
                .map(slow -> durationNanos > slow.toNanos()).orElse(false);
        switch (status) {
            case CLOSED:
                outcomes.add(new Outcome(now, failed));
                List<Outcome> window = window();
                long failures = window.stream().filter(Outcome::failed).count();
                judgedCalls = window.size();
                judgedFailures = failures;
                if (window.size() >= config.minimumCalls()
                        && failures * 100 >= (long) config.failureRateThreshold() * window.size()) {
                    failedEpisodes = 0;
                    open(now);
                }
                return;
            case OPEN:
                return; // late result of a call admitted before opening
            default:
                if (succeeded >= admitted) {
                    return; // no probe outstanding
                }
                if (failed) {
                    failedEpisodes++;
                    open(now);
                } else if (++succeeded == config.halfOpenProbes()) {
                    outcomes.clear();
                    move(BreakerStatus.CLOSED, now);
                }
        }
    }

    /** The outcomes the failure rate is judged over, by the plain definition of each window kind. */
    List<Outcome> window() {
        if (config.window() instanceof WindowSpec.LastCalls lastCalls) {
            return outcomes.subList(Math.max(0, outcomes.size() - lastCalls.size()), outcomes.size());
        }
        long bucket = ((WindowSpec.LastDuration) config.window()).bucketNanos();
        long newest = outcomes.stream().mapToLong(o -> Math.floorDiv(o.atNanos(), bucket)).max().orElseThrow();
        return outcomes.stream()
                .filter(o -> Math.floorDiv(o.atNanos(), bucket) > newest - WindowSpec.TIME_BUCKETS)
                .toList();
    }

    /** base × multiplier^episodes, capped, in exact big-integer arithmetic. */
    long openDurationNanos(int episodes) {
        BigInteger grown = BigInteger.valueOf(config.openDuration().toNanos())
                .multiply(BigInteger.valueOf(config.openDurationMultiplier()).pow(episodes));
        return grown.min(BigInteger.valueOf(config.maxOpenDuration().toNanos())).longValueExact();
    }

    private void open(long now) {
        outcomes.clear();
        openedAt = now;
        until = now + openDurationNanos(failedEpisodes);
        move(BreakerStatus.OPEN, now);
    }

    private void move(BreakerStatus to, long now) {
        transitions.add(new Expected(status, to, now));
        status = to;
    }
}

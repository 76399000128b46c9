package dev.llmrouter.domain.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4, load balancing by Azure's remaining capacity, with answers in any order: a
 * deployment with a tokens-per-window quota (its window starting at the first request after the last
 * one ended, as Azure's and the chaos deployments' do) reports what is left and when its window ends on
 * every answer. Callers start attempts only where {@link LoadBoard.Slot#tryStart} lets them; requests
 * overtake each other on the way to the deployment and answers overtake each other on the way back,
 * across window ends, in every order a seeded schedule draws. Proves: the deployment never refuses an
 * attempt (never answers 429) as long as no more callers are in flight than one window holds and an
 * attempt's round trip is shorter than half a window; and it is still used (callers are not kept away
 * for good).
 */
@DisplayName("Requirement 1.4: reports arriving in any order never let a deployment be sent what it cannot fit")
class CapacityReportOrderPropertyTest {

    static final long MS = 1_000_000L;
    static final long WINDOW = 2_000 * MS;
    static final long CHARGE = 28;

    @Test
    @DisplayName("no 429 from a deployment whose reports cross on the way, whatever the schedule")
    void noRequestItCannotFit() {
        qt().withExamples(300)
                .forAll(integers().between(1, 8), integers().between(1, 8), longs().all())
                .checkAssert((fit, callers, seed) -> {
                    int inFlight = Math.min(fit, callers);
                    Outcome o = run(fit, inFlight, seed, 4_000);
                    assertThat(o.refused).as("429s; room for %d per window, %d callers", fit, inFlight).isZero();
                    assertThat(o.served).as("attempts it served").isGreaterThanOrEqualTo(fit);
                });
    }

    record Outcome(int served, int refused) {}

    /** A deployment refusing what does not fit its window, as Azure does. */
    static final class Deployment {
        final long quota;
        long windowEnd = Long.MIN_VALUE;
        long remaining;
        int served;
        int refused;

        Deployment(long quota) {
            this.quota = quota;
        }

        CapacityReport charge(long now) {
            if (windowEnd == Long.MIN_VALUE || now - windowEnd >= 0) {
                windowEnd = now + WINDOW;
                remaining = quota;
            }
            if (CHARGE <= remaining) {
                remaining -= CHARGE;
                served++;
            } else {
                refused++;
            }
            // the reset is rounded up to the millisecond, as the headers carry it
            long reset = ((windowEnd - now) + MS - 1) / MS * MS;
            return new CapacityReport(remaining, CapacityReport.UNKNOWN, Duration.ofNanos(reset), Duration.ofMinutes(1));
        }
    }

    /** One caller's attempt: sent at {@code start}, its report once the deployment has answered it. */
    static final class Attempt {
        final long start;
        CapacityReport report;

        Attempt(long start) {
            this.start = start;
        }
    }

    static Outcome run(int fit, int callers, long seed, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        Deployment deployment = new Deployment(fit * CHARGE);
        LoadBoard.Slot slot = new LoadBoard(id -> 1).slot(DeploymentId.of("small"));
        long roundTrip = WINDOW / 2 - 1;
        List<Attempt> travelling = new ArrayList<>(); // sent, not yet at the deployment
        List<Attempt> answering = new ArrayList<>(); // answered by it, answer not yet back
        int idle = callers;
        long now = 0;
        for (int n = 0; n < steps; n++) {
            int action = random.nextInt(4);
            if (action == 0) {
                long step = random.nextLong(random.nextBoolean() ? 5 * MS : WINDOW / 4);
                long oldest = Long.MAX_VALUE;
                for (Attempt a : travelling) {
                    oldest = Math.min(oldest, a.start);
                }
                for (Attempt a : answering) {
                    oldest = Math.min(oldest, a.start);
                }
                // no round trip longer than half a window: otherwise time only moves as far as that allows
                now = oldest == Long.MAX_VALUE ? now + step : Math.max(now, Math.min(now + step, oldest + roundTrip));
            } else if (action == 1 && idle > 0) {
                if (slot.tryStart(CHARGE, now)) {
                    idle--;
                    travelling.add(new Attempt(now));
                }
            } else if (action == 2 && !travelling.isEmpty()) {
                Attempt a = travelling.remove(random.nextInt(travelling.size())); // requests overtake each other
                a.report = deployment.charge(now);
                answering.add(a);
            } else if (action == 3 && !answering.isEmpty()) {
                Attempt a = answering.remove(random.nextInt(answering.size())); // and so do answers
                slot.answered(a.report, a.start, CHARGE, now);
                slot.ended(CHARGE);
                idle++;
            }
        }
        return new Outcome(deployment.served, deployment.refused);
    }
}

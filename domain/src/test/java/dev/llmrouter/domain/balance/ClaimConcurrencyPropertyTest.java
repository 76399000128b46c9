package dev.llmrouter.domain.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4, load balancing by Azure's remaining capacity, under concurrency: a pick
 * ({@link LoadBoard#claim}) takes the request's room in the same step as it chooses, so however many
 * threads pick at once, a deployment whose last report leaves room for exactly {@code K} requests
 * (by tokens, or by requests) is never holding more than {@code K} of them while another deployment
 * of the group can take them; a pick whose call is then not made ({@link LoadBoard.Slot#cancelled})
 * gives its room back exactly, so the deployment still fills to {@code K}.
 */
@DisplayName("Requirement 1.4: concurrent picks never take more than a deployment's reported room")
class ClaimConcurrencyPropertyTest {

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final Strategy[] FITTING = {Strategy.BALANCED, Strategy.CAPACITY, Strategy.LATENCY};

    @Test
    @DisplayName("threads picking at once never hold more than K of a deployment with room for K")
    void neverMoreThanItsRoom() {
        qt().withExamples(60)
                .forAll(integers().between(1, 12), integers().between(2, 6), longs().between(1, 2_000), longs().all())
                .checkAssert((k, threads, estimate, seed) -> {
                    // given a small deployment with room for exactly k (by tokens or by requests), beside
                    // one that never reported; the seed also draws the strategy
                    boolean byRequests = (seed & 1) == 0;
                    Strategy strategy = FITTING[(int) Math.floorMod(seed >> 1, (long) FITTING.length)];
                    Groups g = Groups.of(2);
                    LoadBoard board = new LoadBoard(id -> 1);
                    LoadBoard.Slot small = board.of(g.chain.get(0).deployment());
                    small.reported(byRequests
                            ? new CapacityReport(CapacityReport.UNKNOWN, k, MINUTE, MINUTE)
                            : new CapacityReport(k * estimate + estimate - 1, CapacityReport.UNKNOWN, MINUTE, MINUTE), 0);
                    AtomicInteger held = new AtomicInteger();
                    AtomicInteger mostHeld = new AtomicInteger();
                    AtomicInteger smallPicks = new AtomicInteger();
                    AtomicReference<Throwable> failure = new AtomicReference<>();
                    CyclicBarrier start = new CyclicBarrier(threads);

                    // when each thread picks many times, giving some of its picks back (a skipped call)
                    List<Thread> running = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        SplittableRandom random = new SplittableRandom(seed + t);
                        Thread thread = new Thread(() -> {
                            try {
                                start.await();
                                for (int n = 0; n < 200; n++) {
                                    int pick = board.claim(g.chain, 0, 2, 0, estimate, strategy, random, 1);
                                    if (pick != 0) {
                                        continue;
                                    }
                                    smallPicks.incrementAndGet();
                                    mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                                    if (random.nextInt(3) == 0) {
                                        held.decrementAndGet();
                                        small.cancelled(estimate);
                                    } else {
                                        small.ended(estimate); // the call was made: its room stays taken
                                    }
                                }
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        });
                        running.add(thread);
                        thread.start();
                    }
                    for (Thread thread : running) {
                        try {
                            thread.join();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                    assertThat(failure.get()).isNull();

                    // then it never held more than k, and still takes exactly the room left
                    assertThat(mostHeld.get()).as("most held at once, room for %d", k).isLessThanOrEqualTo(k);
                    assertThat(small.inFlight()).as("every ended or cancelled pick is out of flight").isZero();
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int n = 0; n < 400; n++) {
                        if (board.claim(g.chain, 0, 2, 0, estimate, strategy, random, 1) == 0) {
                            held.incrementAndGet();
                        }
                    }
                    assertThat(held.get()).as("held after filling it, room for %d (%d picks of it)", k, smallPicks.get())
                            .isEqualTo(k);
                });
    }
}

package dev.llmrouter.domain.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4, load balancing inside a priority group, least busy: the power of two choices never keeps the busier of its two choices. The
 * two choices are replayed from the same seed: the first is what one weighted draw picks, the second
 * what a weighted draw picks with the first left out (the draws consume the generator exactly so).
 * The pick is one of them, with the fewer requests in flight; on a tie, the first.
 */
@DisplayName("Load balancing: least-busy never picks the busier of its two choices")
class LeastBusyPropertyTest {

    @Test
    @DisplayName("the pick is one of the two draws, and no busier than the other")
    void neverTheBusierOfTwo() {
        qt().withExamples(500)
                .forAll(lists().of(integers().between(0, 9)).ofSizeBetween(2, 10),
                        lists().of(integers().between(1, 5)).ofSize(10), longs().all())
                .checkAssert((inFlight, weights, seed) -> {
                    for (Strategy strategy : List.of(Strategy.LEAST_BUSY, Strategy.BALANCED)) {
                        // given
                        Groups g = Groups.of(inFlight.size());
                        for (int i = 0; i < inFlight.size(); i++) {
                            g.load(i).inFlight = inFlight.get(i);
                            g.load(i).weight = weights.get(i);
                        }
                        int size = g.chain.size();

                        // when
                        int pick = Balancer.pick(g.chain, 0, size, 0, 1, strategy, g.loads(), new SplittableRandom(seed), 0);

                        // then
                        SplittableRandom replay = new SplittableRandom(seed);
                        int first = Balancer.pick(g.chain, 0, size, 0, 1, Strategy.WEIGHTED, g.loads(), replay, 0);
                        int second = Balancer.pick(g.chain, 0, size, 1L << first, 1, Strategy.WEIGHTED, g.loads(), replay, 0);
                        assertThat(pick).as("%s: one of the two choices %d, %d", strategy, first, second).isIn(first, second);
                        int other = pick == first ? second : first;
                        assertThat(inFlight.get(pick)).as("%s: in flight of the pick vs the other (%s)", strategy, inFlight)
                                .isLessThanOrEqualTo(inFlight.get(other));
                        if (inFlight.get(first).equals(inFlight.get(second))) {
                            assertThat(pick).as("a tie keeps the first").isEqualTo(first);
                        }
                    }
                });
    }
}

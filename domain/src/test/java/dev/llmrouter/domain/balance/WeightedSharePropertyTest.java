package dev.llmrouter.domain.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Load balancing (Requirement 1.4, priority groups): over many requests the share of each deployment
 * of a group matches its weight. For {@code N} draws the count of a deployment of weight share
 * {@code p} is binomial; the bound is five standard deviations, {@code 5·sqrt(p(1-p)/N)}, which a
 * correct draw passes with probability above 1 − 6·10⁻⁷ per deployment (the seed is drawn by the
 * property, so a failure names a replayable case). A weight-0 deployment (standby) is never drawn
 * while a positive weight remains. {@code balanced} with nothing in flight is the weighted draw.
 */
@DisplayName("Load balancing: shares match weights within five standard deviations")
class WeightedSharePropertyTest {

    private static final int DRAWS = 4_000;

    @Test
    @DisplayName("weighted and balanced (idle): each deployment's share is its weight's, standbys get none")
    void sharesMatchWeights() {
        qt().withExamples(60)
                .forAll(lists().of(integers().between(0, 20)).ofSizeBetween(2, 6), longs().all())
                .assuming((weights, seed) -> weights.stream().mapToInt(Integer::intValue).sum() > 0)
                .checkAssert((weights, seed) -> {
                    for (Strategy strategy : new Strategy[] {Strategy.WEIGHTED, Strategy.BALANCED, Strategy.CAPACITY}) {
                        // given
                        Groups g = Groups.of(weights.size());
                        for (int i = 0; i < weights.size(); i++) {
                            g.load(i).weight = weights.get(i);
                        }
                        SplittableRandom random = new SplittableRandom(seed);
                        int[] counts = new int[weights.size()];

                        // when
                        for (int n = 0; n < DRAWS; n++) {
                            counts[Balancer.pick(g.chain, 0, g.chain.size(), 0, 100, strategy, g.loads(), random, 0)]++;
                        }

                        // then
                        double total = weights.stream().mapToInt(Integer::intValue).sum();
                        for (int i = 0; i < weights.size(); i++) {
                            double p = weights.get(i) / total;
                            double share = counts[i] / (double) DRAWS;
                            double bound = 5 * Math.sqrt(p * (1 - p) / DRAWS);
                            assertThat(Math.abs(share - p)).as("%s: deployment %d of weights %s: share %.4f, expected %.4f ± %.4f",
                                    strategy, i, weights, share, p, bound).isLessThanOrEqualTo(bound);
                            if (weights.get(i) == 0) {
                                assertThat(counts[i]).as("standby %d of %s", i, weights).isZero();
                            }
                        }
                    }
                });
    }
}

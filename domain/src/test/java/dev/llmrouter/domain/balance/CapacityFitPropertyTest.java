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
 * Requirement 1.4, load balancing inside a priority group, capacity: a deployment whose reported remaining tokens are below the request's
 * estimate (or whose remaining requests are zero) is never picked while another deployment of the
 * group can fit the request, whatever the weights, in-flight counts, latencies and draws; and a
 * deployment that said nothing is taken to fit. Every strategy that fits is checked: {@code balanced}
 * (the default), {@code capacity} and {@code latency}.
 */
@DisplayName("Load balancing: capacity never picks a deployment that cannot fit while another can")
class CapacityFitPropertyTest {

    @Test
    @DisplayName("no pick is below the estimate while some deployment of the group fits it")
    void neverPicksOneThatCannotFit() {
        qt().withExamples(400)
                .forAll(lists().of(longs().between(-1, 5_000)).ofSizeBetween(2, 8),
                        lists().of(integers().between(0, 5)).ofSize(8),
                        longs().between(1, 4_000), longs().all())
                .checkAssert((remaining, busy, estimate, seed) -> {
                    for (Strategy strategy : List.of(Strategy.BALANCED, Strategy.CAPACITY, Strategy.LATENCY)) {
                        // given
                        Groups g = Groups.of(remaining.size());
                        boolean someFit = false;
                        for (int i = 0; i < remaining.size(); i++) {
                            g.load(i).tokens = remaining.get(i);
                            g.load(i).inFlight = busy.get(i);
                            g.load(i).weight = busy.get(7 - i) + 1;
                            g.load(i).latency = busy.get(i) * 1_000_000L;
                            g.load(i).requests = busy.get(i) == 5 ? 0 : CapacityReport.UNKNOWN;
                            someFit |= !g.load(i).cannotFit(estimate, 0);
                        }
                        SplittableRandom random = new SplittableRandom(seed);

                        for (int n = 0; n < 50; n++) {
                            // when
                            int pick = Balancer.pick(g.chain, 0, g.chain.size(), 0, estimate, strategy, g.loads(), random, 0);

                            // then
                            if (someFit) {
                                Groups.Load chosen = g.load(pick);
                                assertThat(chosen.cannotFit(estimate, 0))
                                        .as("%s picked %d (tokens %d, requests %d) for %d tokens; remaining %s",
                                                strategy, pick, chosen.tokens, chosen.requests, estimate, remaining)
                                        .isFalse();
                            }
                        }
                    }
                });
    }
}

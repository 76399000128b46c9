package dev.llmrouter.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.llmrouter.domain.balance.Balancer;
import dev.llmrouter.domain.balance.BalancingSettings;
import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.domain.balance.LoadBoard;
import dev.llmrouter.domain.balance.Strategy;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.routing.RoutePlan.Routed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 1.3 and 1.4 under load balancing: walking a route as the fallback executor does (each
 * group picked through until every deployment of it is tried, then the next group), with arbitrary
 * weights, capacity reports, in-flight counts, latencies, strategies and draws, balancing never breaks
 * residency, capability or priority order: the walk is a permutation of the routed candidates (which
 * the residency and capability filters chose), a lower group is reached only when
 * every deployment of the higher ones has been tried, a group keeps to one model, tier and chain role,
 * and no attempt leaves the residency set.
 */
@DisplayName("Requirements 1.3, 1.4: balancing keeps residency, capability and priority order")
class BalancedChainOrderPropertyTest {

    @Test
    @DisplayName("a balanced walk is the route's candidates, group after group, within residency")
    void balancedWalkKeepsGroupOrder() {
        qt().withExamples(400)
                .forAll(RouteScenario.constrainedRequests(RoutingGen.fleets()), longs().all(), integers().between(0, 4))
                .checkAssert((s, seed, strategyIndex) -> {
                    // given
                    if (!(s.route() instanceof Routed routed)) {
                        return;
                    }
                    Strategy strategy = Strategy.values()[strategyIndex];
                    SplittableRandom random = new SplittableRandom(seed);
                    BalancingSettings settings = BalancingSettings.DEFAULTS.withDefaultStrategy(strategy);
                    for (Deployment d : s.fleet().deployments()) {
                        settings = settings.withWeight(d.id(), random.nextInt(4));
                    }
                    LoadBoard board = new LoadBoard(settings::weightOf);
                    for (Deployment d : s.fleet().deployments()) {
                        LoadBoard.Slot slot = board.slot(d.id());
                        slot.reported(new CapacityReport(random.nextLong(-1, 3_000), random.nextLong(-1, 3),
                                Duration.ofSeconds(60), Duration.ofSeconds(60)), 0);
                        for (int i = random.nextInt(3); i > 0; i--) {
                            slot.started(0);
                        }
                        slot.latency(random.nextLong(1, 1_000_000_000L));
                    }
                    List<Candidate> chain = routed.candidates();
                    PriorityGroups groups = routed.groups();

                    // when
                    List<Integer> walk = new ArrayList<>();
                    List<Integer> groupOfStep = new ArrayList<>();
                    for (int g = 0; g < groups.count(); g++) {
                        long tried = 0;
                        for (int n = groups.start(g); n < groups.end(g); n++) {
                            int i = Balancer.pick(chain, groups.start(g), groups.end(g), tried, 1_000, strategy, board,
                                    random, 0);
                            tried |= 1L << (i - groups.start(g));
                            walk.add(i);
                            groupOfStep.add(g);
                        }
                    }

                    // then
                    assertThat(new HashSet<>(walk)).as("every candidate once").hasSize(chain.size());
                    assertThat(walk).hasSize(chain.size());
                    for (int step = 0; step < walk.size(); step++) {
                        int i = walk.get(step);
                        int g = groupOfStep.get(step);
                        assertThat(i).as("step %d stays in its group", step).isBetween(groups.start(g), groups.end(g) - 1);
                        Candidate c = chain.get(i);
                        Candidate head = chain.get(groups.start(g));
                        assertThat(c.model()).isEqualTo(head.model());
                        assertThat(c.tier()).isEqualTo(head.tier());
                        assertThat(c.deployment().role()).isEqualTo(head.deployment().role());
                        assertThat(s.request().residency().allows(c.deployment().region())).isTrue();
                        if (step > 0) {
                            assertThat(g).as("groups in priority order").isGreaterThanOrEqualTo(groupOfStep.get(step - 1));
                        }
                    }
                });
    }

    @Test
    @DisplayName("the groups split the chain exactly where model, tier, role or preferred-region closeness change")
    void groupsFollowTheChainsOrder() {
        qt().withExamples(400).forAll(RouteScenario.constrainedRequests(RoutingGen.fleets())).checkAssert(s -> {
            if (!(s.route() instanceof Routed routed)) {
                return;
            }
            List<Candidate> chain = routed.candidates();
            PriorityGroups groups = routed.groups();
            assertThat(groups.size()).isEqualTo(chain.size());
            for (int g = 0; g < groups.count(); g++) {
                for (int i = groups.start(g) + 1; i < groups.end(g); i++) {
                    Candidate a = chain.get(i - 1);
                    Candidate b = chain.get(i);
                    assertThat(b.model()).isEqualTo(a.model());
                    assertThat(b.deployment().role()).isEqualTo(a.deployment().role());
                    assertThat(s.regionRank(b.deployment().region())).isEqualTo(s.regionRank(a.deployment().region()));
                }
                if (g > 0) {
                    Candidate last = chain.get(groups.start(g) - 1);
                    Candidate first = chain.get(groups.start(g));
                    boolean same = last.model().equals(first.model()) && last.tier() == first.tier()
                            && last.fallDown() == first.fallDown() && last.deployment().role() == first.deployment().role()
                            && s.regionRank(last.deployment().region()) == s.regionRank(first.deployment().region());
                    assertThat(same).as("a group boundary where nothing changes, at %d", groups.start(g)).isFalse();
                }
            }
        });
    }
}

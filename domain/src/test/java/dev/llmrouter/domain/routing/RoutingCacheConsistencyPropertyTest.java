package dev.llmrouter.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.domain.routing.RoutingGen.GenFleet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * A routing decision is a pure function of the fleet and the request (Requirements 1.1–1.4): the
 * policy remembers chains and downgrade reasons between requests, and what it answers from memory is
 * exactly what a policy that has never routed before answers. Requests repeat shapes so that most
 * are answered from memory, and prompt sizes sit on every context window's edge (one below, at, one
 * above), where a remembered chain would be wrong first.
 */
@DisplayName("Requirements 1.1–1.4: a remembered route equals a freshly computed one")
class RoutingCacheConsistencyPropertyTest {

    /** A fleet and a sequence of requests against it, drawn from a few shapes so that shapes repeat. */
    record Session(GenFleet generated, List<RouteRequest> requests) {}

    static Gen<Session> sessions() {
        Gen<Boolean> coin = booleans().all();
        Gen<Integer> length = integers().between(10, 40);
        return rs -> {
            GenFleet f = RoutingGen.fleets().generate(rs);
            List<Long> prompts = new ArrayList<>(List.of(0L, 100L));
            for (ModelSpec m : f.fleet().catalog().models()) {
                prompts.addAll(List.of((long) m.contextWindow() - 1, (long) m.contextWindow(), (long) m.contextWindow() + 1));
            }
            Gen<Long> prompt = arbitrary().pick(prompts);
            Gen<Plan> plans = RoutingGen.anyPlan();
            Gen<String> names = RoutingGen.requestedNames(f.fleet().catalog());
            List<RouteRequest> requests = new ArrayList<>();
            int n = length.generate(rs);
            for (int i = 0; i < n; i++) {
                boolean constrained = coin.generate(rs);
                requests.add(new RouteRequest(
                        plans.generate(rs),
                        names.generate(rs),
                        constrained ? RoutingGen.preferredRegions().generate(rs) : null,
                        constrained ? RoutingGen.residencies().generate(rs) : Residency.ANY,
                        RoutingGen.operations().generate(rs),
                        coin.generate(rs) && coin.generate(rs),
                        prompt.generate(rs),
                        coin.generate(rs)));
            }
            return new Session(f, requests);
        };
    }

    @Test
    @DisplayName("Requirements 1.1–1.4: every answer of a long-lived policy equals a fresh policy's answer")
    void rememberedRoutesEqualFreshOnes() {
        qt().withExamples(300).forAll(sessions()).checkAssert(session -> {
            // given: one policy that serves the whole session (twice, so the second pass is all remembered)
            RoutingPolicy longLived = new RoutingPolicy(session.generated().fleet());
            for (int pass = 0; pass < 2; pass++) {
                for (RouteRequest request : session.requests()) {
                    // when
                    RoutePlan remembered = longLived.route(request);
                    RoutePlan fresh = new RoutingPolicy(session.generated().fleet()).route(request);

                    // then
                    assertThat(remembered).as("pass %d, %s over %s", pass, request, session.generated()).isEqualTo(fresh);
                }
            }
        });
    }

    @Test
    @DisplayName("Requirement 1.3: past the remembered shapes' bound, routes are still computed right")
    void beyondTheBoundRoutesAreStillRight() {
        // given: more constrained shapes (caller-chosen residency sets) than the policy keeps
        Fleet fleet = Fixtures.exampleFleet();
        RoutingPolicy longLived = new RoutingPolicy(fleet);
        Plan plan = Fixtures.enterprisePlan();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < ChainCache.MAX_CONSTRAINED + 200; i++) {
                // caller-chosen residency sets: each a shape of its own
                Residency residency = Residency.inRegions("swedencentral", "region-" + i);
                RouteRequest request = RouteRequest.of(plan, "premium").withPreferredRegion("swedencentral")
                        .withResidency(residency);

                // when
                RoutePlan remembered = longLived.route(request);

                // then
                assertThat(remembered).as("request %d", i).isEqualTo(new RoutingPolicy(fleet).route(request));
            }
        }
        assertThat(longLived.chains().constrainedShapes()).isEqualTo(ChainCache.MAX_CONSTRAINED);
    }

    @Test
    @DisplayName("Requirement 1.3: made-up preferred regions share one remembered shape, so callers cannot fill the cache")
    void madeUpRegionsDoNotFillTheCache() {
        // given
        Fleet fleet = Fixtures.exampleFleet();
        RoutingPolicy policy = new RoutingPolicy(fleet);
        Plan plan = Fixtures.enterprisePlan();

        // when: 2,000 requests, each naming a region the fleet does not have
        for (int i = 0; i < 2_000; i++) {
            RouteRequest request = RouteRequest.of(plan, "premium").withPreferredRegion("made-up-" + i);
            assertThat(policy.route(request)).isEqualTo(new RoutingPolicy(fleet).route(request));
        }

        // then: one shape remembered for all of them, and a real region still gets its own
        assertThat(policy.chains().constrainedShapes()).isEqualTo(1);
        policy.route(RouteRequest.of(plan, "premium").withPreferredRegion("swedencentral"));
        assertThat(policy.chains().constrainedShapes()).isEqualTo(2);
    }
}

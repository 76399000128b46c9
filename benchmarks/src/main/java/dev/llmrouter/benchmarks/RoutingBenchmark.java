package dev.llmrouter.benchmarks;

import dev.llmrouter.domain.balance.BalancingSettings;
import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.domain.balance.LoadBoard;
import dev.llmrouter.domain.balance.Strategy;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.Fleet;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.domain.routing.RoutePlan;
import dev.llmrouter.domain.routing.RouteRequest;
import dev.llmrouter.domain.routing.RoutingPolicy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one routing decision ({@link RoutingPolicy#route}) over the example fleet: 9 models,
 * 20 deployments in three regions. This runs on every request before any network call, so it is pure
 * overhead the gateway adds.
 *
 * <p>Requests and fleet are built once in {@link #setUp()}; the measured method only routes, so the
 * figures (time and, with {@code -prof gc}, bytes allocated per decision) are the policy's own.
 * <ul>
 *   <li>{@code tierRequest}: an enterprise request for {@code premium}, no constraint (the common case);
 *   <li>{@code downgrade}: a free-plan request for {@code premium}, capped to economy;
 *   <li>{@code residencyConstrained}: premium, EU only, preferring swedencentral (filter and sort);
 *   <li>{@code vision}: economy with image input (the tier model is text-only and is skipped);
 *   <li>{@code balancedFirstPick}: the tier request over the same fleet with a second premium
 *       primary (weights 3 and 1), routed and its first deployment picked by the default
 *       {@link Strategy#BALANCED} strategy over a {@link LoadBoard} that has seen a capacity report
 *       and a latency for each, the pick taking the request's room ({@link LoadBoard#claim}) and
 *       the attempt then ending: the routing decision and its accounting as the router now makes them.
 * </ul>
 *
 * <p>Run: {@code ./mvnw -B -q -pl benchmarks -am -DskipTests package && java -jar
 * benchmarks/target/benchmarks.jar RoutingBenchmark -f 2 -wi 3 -i 5 -w 1s -r 1s -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {

    private RoutingPolicy policy;
    private RouteRequest tierRequest;
    private RouteRequest downgrade;
    private RouteRequest residencyConstrained;
    private RouteRequest vision;
    private RoutingPolicy balancedPolicy;
    private LoadBoard board;
    private SplittableRandom random;

    @Setup
    public void setUp() {
        policy = new RoutingPolicy(Fixtures.exampleFleet());
        tierRequest = RouteRequest.of(Fixtures.enterprisePlan(), "premium");
        downgrade = RouteRequest.of(Fixtures.freePlan(), "premium");
        residencyConstrained = RouteRequest.of(Fixtures.enterprisePlan(), "premium")
                .withResidency(Residency.within(Geography.EU))
                .withPreferredRegion("swedencentral");
        vision = RouteRequest.of(Fixtures.enterprisePlan(), "economy").withVision(true);
        Fleet example = Fixtures.exampleFleet();
        Fleet.Builder twoPrimaries = Fleet.builder().catalog(example.catalog());
        example.regions().forEach(twoPrimaries::region);
        example.deployments().forEach(twoPrimaries::deployment);
        twoPrimaries.deployment(Fixtures.deployment("gpt-4-turbo-eastus2", "gpt-4-turbo", Fixtures.EASTUS2, ChainRole.PRIMARY));
        balancedPolicy = new RoutingPolicy(twoPrimaries.build());
        BalancingSettings weights = BalancingSettings.DEFAULTS.withWeight(DeploymentId.of("gpt-4-turbo-eastus"), 3);
        board = new LoadBoard(weights::weightOf);
        for (var d : twoPrimaries.build().deployments()) {
            // room no run uses up, as each pick takes its estimate and one request off it
            board.slot(d.id()).reported(new CapacityReport(Long.MAX_VALUE / 2, Integer.MAX_VALUE,
                    Duration.ofMinutes(1), Duration.ofMinutes(1)), 0);
            board.slot(d.id()).latency(50_000_000);
        }
        random = new SplittableRandom(42);
        if (!(balancedPolicy.route(tierRequest) instanceof RoutePlan.Routed routed) || routed.groups().end(0) != 2) {
            throw new IllegalStateException("the balanced benchmark needs two premium primaries in one group");
        }
        for (RouteRequest r : new RouteRequest[] {tierRequest, downgrade, residencyConstrained, vision}) {
            if (!(policy.route(r) instanceof RoutePlan.Routed)) {
                throw new IllegalStateException("benchmark request is not routable: " + r);
            }
        }
    }

    @Benchmark
    public RoutePlan tierRequest() {
        return policy.route(tierRequest);
    }

    @Benchmark
    public RoutePlan downgrade() {
        return policy.route(downgrade);
    }

    @Benchmark
    public RoutePlan residencyConstrained() {
        return policy.route(residencyConstrained);
    }

    @Benchmark
    public RoutePlan vision() {
        return policy.route(vision);
    }

    @Benchmark
    public int balancedFirstPick() {
        RoutePlan.Routed routed = (RoutePlan.Routed) balancedPolicy.route(tierRequest);
        List<Candidate> chain = routed.candidates();
        int i = board.claim(chain, 0, routed.groups().end(0), 0, 1_000, Strategy.BALANCED, random, 1);
        board.of(chain.get(i).deployment()).ended(1_000); // the attempt's end, as the router counts it
        return i;
    }
}

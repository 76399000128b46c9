package dev.llmrouter.benchmarks;

import dev.llmrouter.domain.fixtures.Fixtures;
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
 *   <li>{@code vision}: economy with image input (the tier model is text-only and is skipped).
 * </ul>
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar RoutingBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc}
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

    @Setup
    public void setUp() {
        policy = new RoutingPolicy(Fixtures.exampleFleet());
        tierRequest = RouteRequest.of(Fixtures.enterprisePlan(), "premium");
        downgrade = RouteRequest.of(Fixtures.freePlan(), "premium");
        residencyConstrained = RouteRequest.of(Fixtures.enterprisePlan(), "premium")
                .withResidency(Residency.within(Geography.EU))
                .withPreferredRegion("swedencentral");
        vision = RouteRequest.of(Fixtures.enterprisePlan(), "economy").withVision(true);
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
}

package dev.llmrouter.ports.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.balance.BalancingSettings;
import dev.llmrouter.domain.balance.CapacityReport;
import dev.llmrouter.domain.balance.LoadBoard;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.domain.routing.RoutePlan;
import dev.llmrouter.domain.routing.RouteRequest;
import dev.llmrouter.domain.routing.RoutingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4, load balancing by Azure's remaining capacity, in the fallback executor: the pick
 * that chooses a deployment has already taken the request's estimated tokens and one request off its
 * reported room and counted it in flight when the call is made; a candidate picked and then skipped
 * (here by the quota gate) gives that room back, and a call made keeps it until the next report.
 */
@DisplayName("Requirement 1.4: the pick takes its room before the call; a skipped pick gives it back")
class PickStartsAttemptTest {

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final long ESTIMATE = 300;

    final FakeClock clock = new FakeClock();
    final Balancing balancing = new Balancing(BalancingSettings.DEFAULTS, () -> new SplittableRandom(7));
    final FallbackExecutor executor = new FallbackExecutor(new LocalDeploymentHealth(),
            RetrySettings.defaults().withoutBackoff(), clock, clock.ticker(), balancing);
    final RoutePlan.Routed route;

    PickStartsAttemptTest() {
        Fleet example = Fixtures.exampleFleet();
        Fleet.Builder fleet = Fleet.builder().catalog(example.catalog());
        example.regions().forEach(fleet::region);
        example.deployments().forEach(fleet::deployment);
        fleet.deployment(Fixtures.deployment("gpt-4-turbo-eastus2", "gpt-4-turbo", Fixtures.EASTUS2, ChainRole.PRIMARY));
        route = (RoutePlan.Routed) new RoutingPolicy(fleet.build()).route(RouteRequest.of(Fixtures.enterprisePlan(), "premium"));
        assertThat(route.groups().end(0)).as("two primaries in the first group").isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            slot(i).reported(new CapacityReport(1_000, 10, MINUTE, MINUTE), clock.nanos());
        }
    }

    @Test
    void the_call_is_made_with_its_room_already_taken() {
        List<String> seenDuringCall = new ArrayList<>();

        var result = executor.execute(route.candidates(), route.groups(), ESTIMATE, executor.deadlineFromNow(),
                FallbackExecutor.HopGate.OPEN, (candidate, timeout) -> {
                    LoadBoard.Slot s = balancing.board().slot(candidate.deployment().id());
                    seenDuringCall.add(s.inFlight() + " in flight, " + s.remainingTokens(clock.nanos()) + " tokens, "
                            + s.remainingRequests(clock.nanos()) + " requests");
                    return "ok";
                }, value -> CapacityReport.NONE, true);

        assertThat(result).isInstanceOf(ExecutionResult.Succeeded.class);
        assertThat(seenDuringCall).containsExactly("1 in flight, 700 tokens, 9 requests");
        DeploymentId served = ((ExecutionResult.Succeeded<?>) result).candidate().deployment().id();
        LoadBoard.Slot s = balancing.board().slot(served);
        assertThat(s.inFlight()).isZero();
        assertThat(s.remainingTokens(clock.nanos())).as("taken until the next report").isEqualTo(700);
    }

    @Test
    void a_candidate_skipped_after_its_pick_gives_its_room_back() {
        // given the quota gate refuses the first candidate picked, whichever it is
        List<DeploymentId> refused = new ArrayList<>();
        FallbackExecutor.HopGate gate = candidate -> {
            if (refused.isEmpty()) {
                refused.add(candidate.deployment().id());
                return false;
            }
            return true;
        };

        var result = executor.execute(route.candidates(), route.groups(), ESTIMATE, executor.deadlineFromNow(), gate,
                (candidate, timeout) -> "ok", value -> CapacityReport.NONE, true);

        // then the other serves, and the refused one holds nothing
        assertThat(result).isInstanceOf(ExecutionResult.Succeeded.class);
        LoadBoard.Slot skipped = balancing.board().slot(refused.get(0));
        assertThat(skipped.inFlight()).isZero();
        assertThat(skipped.remainingTokens(clock.nanos())).isEqualTo(1_000);
        assertThat(skipped.remainingRequests(clock.nanos())).isEqualTo(10);
    }

    private LoadBoard.Slot slot(int position) {
        Candidate c = route.candidates().get(position);
        return balancing.board().slot(c.deployment().id());
    }
}

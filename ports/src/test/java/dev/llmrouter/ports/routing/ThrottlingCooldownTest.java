package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.throttled;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.Failure;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.router.Attempt.Outcome;
import dev.llmrouter.ports.router.ChatOutcome;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 1.5 — a 429's retry-after is honoured: the deployment is not called again before it. */
@DisplayName("Requirement 1.5 — throttling cooldown")
class ThrottlingCooldownTest {

    private static final String EAST = "gpt-4o-eastus";
    private static final String WEST = "gpt-4o-westeurope";

    @Test
    void a_throttled_deployment_is_not_called_before_its_retry_after_and_the_request_moves_on_at_once() {
        // given eastus throttles for 5 s, westeurope serves
        RouterHarness h = new RouterHarness();
        h.endpoint.script(EAST, throttled(Duration.ofSeconds(5)), ok(10, 5)).script(WEST, ok(10, 5));
        long start = h.clock.nanos();

        // when one request meets the 429
        ChatOutcome first = h.router().complete(ask("gpt-4o"));

        // then it is served by westeurope without waiting
        assertThat(first).isInstanceOf(ChatOutcome.Served.class);
        assertThat(((ChatOutcome.Served) first).route().deployment().id().value()).isEqualTo(WEST);
        assertThat(h.clock.nanos()).isEqualTo(start);

        // and within the 5 s eastus is skipped without a call
        h.clock.advance(Duration.ofMillis(4_999));
        ChatOutcome during = h.router().complete(ask("gpt-4o"));
        assertThat(((ChatOutcome.Served) during).attempts().get(0).outcome()).isEqualTo(Outcome.SKIPPED_COOLING_DOWN);
        assertThat(h.endpoint.callsTo(EAST)).isEqualTo(1);

        // and from the deadline on eastus is called again
        h.clock.advance(Duration.ofMillis(1));
        ChatOutcome after = h.router().complete(ask("gpt-4o"));
        assertThat(((ChatOutcome.Served) after).route().deployment().id().value()).isEqualTo(EAST);
        assertThat(h.endpoint.callsTo(EAST)).isEqualTo(2);
    }

    static java.util.stream.Stream<DeploymentHealth> healths() {
        return java.util.stream.Stream.of(new LocalDeploymentHealth(), BreakerDeploymentHealth.withDefaults());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("healths")
    void a_later_shorter_signal_does_not_shorten_the_cooldown(DeploymentHealth health) {
        // given a deployment told to wait 10 s
        RouterHarness h = new RouterHarness();
        FallbackExecutor executor = new FallbackExecutor(health, RetrySettings.defaults(), h.clock, h.clock.ticker());
        Candidate east = candidate(h, EAST);
        executor.recordFailure(east, throttle(Duration.ofSeconds(10)), Duration.ZERO);

        // when a later answer asks for only 1 s
        h.clock.advance(Duration.ofSeconds(1));
        executor.recordFailure(east, throttle(Duration.ofSeconds(1)), Duration.ZERO);

        // then the 10 s still hold
        h.clock.advance(Duration.ofSeconds(5));
        assertThat(health.tryAcquire(east.deployment().id(), h.clock.instant()).available()).isFalse();
        assertThat(health.expectedBack(east.deployment().id(), h.clock.instant()))
                .contains(h.clock.instant().plusSeconds(4));
    }

    @Test
    void when_every_deployment_throttles_the_exhausted_answer_says_when_the_first_is_back() {
        // given both deployments throttle, for 7 s and 3 s
        RouterHarness h = new RouterHarness();
        h.endpoint.script(EAST, throttled(Duration.ofSeconds(7))).script(WEST, throttled(Duration.ofSeconds(3)));

        // when a request is routed
        ChatOutcome outcome = h.router().complete(ask("gpt-4o"));

        // then it is exhausted, and retry-at is the earlier cooldown end
        assertThat(outcome).isInstanceOf(ChatOutcome.Exhausted.class);
        assertThat(((ChatOutcome.Exhausted) outcome).retryAt()).contains(h.clock.instant().plusSeconds(3));
        assertThat(h.ledger.all()).singleElement().satisfies(r -> assertThat(r.deployment()).isEqualTo(WEST));
    }

    private static Failure throttle(Duration d) {
        return Failure.of(FailureKind.THROTTLED, 429, "429", "slow down").withRetryAfter(d);
    }

    private static Candidate candidate(RouterHarness h, String id) {
        var d = h.fleet.deployment(DeploymentId.of(id)).orElseThrow();
        var m = h.fleet.catalog().model(d.modelId()).orElseThrow();
        return new Candidate(d, m, m.tier(), false);
    }
}

package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.breaker.BreakerConfig;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import dev.llmrouter.ports.router.Attempt.Outcome;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requirements 6.1–6.5 through the router, on the domain's real circuit breakers: deployment faults
 * open a breaker, an open breaker is skipped until its open duration has passed, request faults never
 * open one, and every transition reaches telemetry and the operators' view.
 */
@DisplayName("Requirements 6.1–6.5 — circuit breakers in the router")
class CircuitBreakerRoutingTest {

    private static final String EAST = "gpt-4o-eastus";
    private static final String WEST = "gpt-4o-westeurope";

    @Test
    void deployment_faults_open_the_breaker_and_an_open_breaker_is_skipped_until_it_reopens() {
        // given the default breaker (5 calls minimum, 50 %, open 30 s) and an eastus that always fails
        RouterHarness h = new RouterHarness();
        List<String> transitions = new ArrayList<>();
        h.builder.telemetry(new RouterTelemetry() {
            @Override
            public void breakerTransition(String deploymentId, String from, String to, Instant at, String reason) {
                transitions.add(deploymentId + ":" + from + "->" + to);
            }
        });
        h.endpoint.script(EAST, fail(FailureKind.SERVER_ERROR)).script(WEST, ok(1, 1));

        // when three requests each fail twice on eastus (a call and its retry) and are served by westeurope
        for (int i = 0; i < 3; i++) {
            assertThat(h.router().complete(ask("gpt-4o"))).isInstanceOf(ChatOutcome.Served.class);
        }

        // then eastus's breaker opened once its window held 5 failed calls, and the sixth call never went
        assertThat(h.endpoint.callsTo(EAST)).isEqualTo(5);
        assertThat(transitions).containsExactly(EAST + ":closed->open");
        DeploymentStatus east = status(h, EAST);
        assertThat(east.breaker()).isEqualTo("open");
        assertThat(east.openUntil()).contains(h.clock.instant().plusSeconds(30));

        // and while open, eastus is skipped without a call
        ChatOutcome skipped = h.router().complete(ask("gpt-4o"));
        assertThat(((ChatOutcome.Served) skipped).attempts().get(0).outcome()).isEqualTo(Outcome.SKIPPED_BREAKER_OPEN);
        assertThat(h.endpoint.callsTo(EAST)).isEqualTo(5);

        // and after the open duration a probe goes through and, succeeding, counts toward closing
        h.clock.advance(Duration.ofSeconds(30));
        h.endpoint.script(EAST, ok(1, 1));
        ChatOutcome probe = h.router().complete(ask("gpt-4o"));
        assertThat(((ChatOutcome.Served) probe).route().deployment().id().value()).isEqualTo(EAST);
        assertThat(transitions).containsExactly(EAST + ":closed->open", EAST + ":open->half_open");
    }

    @Test
    void when_every_breaker_is_open_the_answer_says_when_the_first_reopens() {
        RouterHarness h = new RouterHarness();
        h.builder.breakerConfig(BreakerConfig.defaults().withMinimumCalls(2))
                .breakerConfig(DeploymentId.of(WEST), BreakerConfig.defaults().withMinimumCalls(2)
                        .withOpenDuration(Duration.ofSeconds(10)));
        h.endpoint.defaultStep(fail(FailureKind.SERVER_ERROR));

        h.router().complete(ask("gpt-4o")); // two failed calls each: both breakers open
        ChatOutcome outcome = h.router().complete(ask("gpt-4o"));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Exhausted.class, e -> {
            assertThat(e.attempts()).extracting(a -> a.outcome())
                    .containsExactly(Outcome.SKIPPED_BREAKER_OPEN, Outcome.SKIPPED_BREAKER_OPEN);
            assertThat(e.retryAt()).contains(h.clock.instant().plusSeconds(10));
        });
        assertThat(h.ledger.all()).hasSize(1); // the second request reached no deployment
    }

    @ParameterizedTest
    @EnumSource(value = FailureKind.class, names = {"BAD_REQUEST", "CONTENT_FILTERED", "CONTEXT_LENGTH_EXCEEDED", "THROTTLED"})
    void request_faults_and_throttling_never_open_a_breaker(FailureKind kind) {
        RouterHarness h = new RouterHarness();
        h.endpoint.script(EAST, fail(kind)).script(WEST, fail(kind));

        for (int i = 0; i < 20; i++) {
            h.router().complete(ask("gpt-4o"));
        }

        assertThat(status(h, EAST).breaker()).isEqualTo("closed");
        assertThat(status(h, EAST).recentFailures()).isZero();
    }

    private static DeploymentStatus status(RouterHarness h, String id) {
        return h.router().deployments().stream().filter(d -> d.deployment().id().value().equals(id)).findFirst()
                .orElseThrow();
    }
}

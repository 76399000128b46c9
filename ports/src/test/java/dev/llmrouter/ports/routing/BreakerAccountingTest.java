package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.router.ChatOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requirement 1.4 and the failure taxonomy: failures the request itself causes (400, content filter,
 * context length) are passed to the caller as they are, never fall back, and never count against a
 * breaker; deployment faults do.
 */
@DisplayName("Requirement 1.4 — what counts against a breaker")
class BreakerAccountingTest {

    private static final String EAST = "gpt-4o-eastus";

    @ParameterizedTest
    @EnumSource(value = FailureKind.class, names = {"BAD_REQUEST", "CONTENT_FILTERED", "CONTEXT_LENGTH_EXCEEDED"})
    void a_request_fault_is_final_and_never_trips_a_breaker(FailureKind kind) {
        // given a deployment that refuses the request itself
        RouterHarness h = new RouterHarness();
        RecordingHealth health = new RecordingHealth();
        h.builder.health(health);
        h.endpoint.script(EAST, fail(kind));

        // when the request is sent many times
        for (int i = 0; i < 20; i++) {
            ChatOutcome outcome = h.router().complete(ask("gpt-4o"));
            // then the caller gets the failure as it is, from the first deployment only
            assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Failed.class,
                    f -> assertThat(f.failure().kind()).isEqualTo(kind));
        }
        assertThat(h.endpoint.calledDeployments()).containsOnly(EAST).hasSize(20);
        // and the breaker heard no failure
        assertThat(health.count("failure:")).isZero();
        assertThat(health.count("neutral:")).isEqualTo(20);
    }

    @Test
    void a_deployment_fault_counts_and_a_success_is_recorded() {
        // given eastus fails with a 503 (retried once), westeurope serves
        RouterHarness h = new RouterHarness();
        RecordingHealth health = new RecordingHealth();
        h.builder.health(health);
        h.endpoint.script(EAST, fail(FailureKind.SERVER_ERROR));

        // when a request is routed
        ChatOutcome outcome = h.router().complete(ask("gpt-4o"));

        // then both failed calls to eastus count, and the success is recorded
        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        assertThat(health.log).containsExactly("failure:" + EAST, "failure:" + EAST, "success:gpt-4o-westeurope");
        assertThat(h.endpoint.calledDeployments()).containsExactly(EAST, EAST, "gpt-4o-westeurope");
    }

    @Test
    void an_open_breaker_is_skipped_without_a_call() {
        RouterHarness h = new RouterHarness();
        RecordingHealth health = new RecordingHealth().open(EAST, h.clock.instant().plusSeconds(30));
        h.builder.health(health);
        h.endpoint.script("gpt-4o-westeurope", ok(1, 1));

        ChatOutcome outcome = h.router().complete(ask("gpt-4o"));

        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        assertThat(h.endpoint.calledDeployments()).containsExactly("gpt-4o-westeurope");
    }
}

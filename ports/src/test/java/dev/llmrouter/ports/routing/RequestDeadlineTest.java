package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.ports.router.Attempt.Outcome;
import dev.llmrouter.ports.router.ChatOutcome;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirement 1.5 — retries and fallbacks are bounded by the per-request deadline. */
@DisplayName("Requirement 1.5 — per-request deadline")
class RequestDeadlineTest {

    @Test
    void no_attempt_starts_after_the_deadline() {
        // given a 1 s deadline and an eastus that times out after 1.2 s
        RouterHarness h = new RouterHarness();
        h.builder.requestDeadline(Duration.ofSeconds(1));
        h.endpoint.script("gpt-4o-eastus", fail(FailureKind.TIMEOUT).taking(Duration.ofMillis(1_200)))
                .script("gpt-4o-westeurope", ok(1, 1));

        // when a request is routed
        ChatOutcome outcome = h.router().complete(ask("gpt-4o"));

        // then neither the retry nor westeurope is called, and the request is exhausted
        assertThat(h.endpoint.calledDeployments()).containsExactly("gpt-4o-eastus");
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Exhausted.class, e -> assertThat(e.attempts())
                .extracting(a -> a.outcome())
                .containsExactly(Outcome.FAILED, Outcome.SKIPPED_DEADLINE, Outcome.SKIPPED_DEADLINE));
        assertThat(h.ledger.all()).hasSize(1);
    }

    @Test
    void each_attempt_gets_at_most_what_is_left_of_the_deadline() {
        // given a 1 s deadline, a 20 s attempt timeout, and an eastus failing after 700 ms (twice)
        RouterHarness h = new RouterHarness();
        h.builder.retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0))
                .requestDeadline(Duration.ofSeconds(1)).attemptTimeout(Duration.ofSeconds(20));
        h.endpoint.script("gpt-4o-eastus", fail(FailureKind.SERVER_ERROR).taking(Duration.ofMillis(700)));

        // when a request is routed
        h.router().complete(ask("gpt-4o"));

        // then the first call may take the whole second, the next only the 300 ms left
        assertThat(h.endpoint.calls()).extracting(c -> c.timeout())
                .containsExactly(Duration.ofSeconds(1), Duration.ofMillis(300));
    }
}

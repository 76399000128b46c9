package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.ports.router.Attempt.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requirement 1.5 — same-deployment retries: transient kinds only, after the domain's backoff
 * schedule, never past the deadline. The executor's waits move a fake clock, so no test waits; every
 * decision reads that one clock.
 */
@DisplayName("Requirement 1.5 — same-deployment retries")
class SameDeploymentRetryTest {

    private final FakeClock clock = new FakeClock();
    private final ScriptedChatEndpoint endpoint = new ScriptedChatEndpoint(clock);
    private final List<Long> waits = new ArrayList<>();
    private final Candidate only = new Candidate(Fixtures.deployment("d0", "m", Fixtures.EASTUS, ChainRole.PRIMARY),
            Fixtures.exampleFleet().catalog().tierModel(Tier.STANDARD), Tier.STANDARD, false);

    private ExecutionResult<ChatReply> run(RetrySettings settings) {
        FallbackExecutor executor = new FallbackExecutor(new LocalDeploymentHealth(), settings, clock, clock.ticker(),
                nanos -> {
                    waits.add(nanos);
                    clock.advance(Duration.ofNanos(nanos));
                });
        return executor.execute(List.of(only), executor.deadlineFromNow(), FallbackExecutor.HopGate.OPEN,
                (c, timeout) -> endpoint.complete(new ChatCall(c, ChatRequest.chat("{}"), 100, timeout, "r")), true);
    }

    @Test
    void defaults_are_one_retry_after_a_jittered_100_ms_within_the_deadline() {
        endpoint.script("d0", fail(FailureKind.SERVER_ERROR), ok(10, 5));

        ExecutionResult<ChatReply> result = run(RetrySettings.defaults());

        assertThat(result).isInstanceOf(ExecutionResult.Succeeded.class);
        assertThat(endpoint.callsTo("d0")).isEqualTo(2);
        assertThat(waits).singleElement().satisfies(w -> assertThat(w).isBetween(75_000_000L, 125_000_000L));
    }

    @Test
    void waits_double_up_to_the_cap_and_only_as_many_retries_as_configured() {
        endpoint.script("d0", fail(FailureKind.SERVER_ERROR), fail(FailureKind.TIMEOUT), fail(FailureKind.SERVER_ERROR),
                fail(FailureKind.SERVER_ERROR), ok(10, 5));
        RetrySettings settings = RetrySettings.defaults().withSameDeploymentRetries(3)
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(300)).withJitter(0);

        ExecutionResult<ChatReply> result = run(settings);

        assertThat(result).isInstanceOf(ExecutionResult.Exhausted.class);
        assertThat(endpoint.callsTo("d0")).isEqualTo(4);
        assertThat(waits).containsExactly(100_000_000L, 200_000_000L, 300_000_000L);
    }

    @Test
    void no_retry_when_not_even_the_shortest_backoff_fits_before_the_deadline() {
        endpoint.script("d0", fail(FailureKind.SERVER_ERROR), ok(10, 5));

        ExecutionResult<ChatReply> result = run(RetrySettings.defaults().withRequestDeadline(Duration.ofMillis(100)));

        assertThat(endpoint.callsTo("d0")).isEqualTo(1);
        assertThat(waits).isEmpty();
        assertThat(result.attempts()).extracting(a -> a.outcome()).containsExactly(Outcome.FAILED);
    }

    @Test
    void a_wait_is_cut_at_the_deadline_and_the_retry_is_then_skipped() {
        // given a first call that leaves 50 ms of a 150 ms deadline, less than the 100 ms backoff
        endpoint.script("d0", fail(FailureKind.SERVER_ERROR).taking(Duration.ofMillis(100)), ok(10, 5));

        ExecutionResult<ChatReply> result = run(RetrySettings.defaults().withJitter(0)
                .withRequestDeadline(Duration.ofMillis(150)));

        assertThat(waits).containsExactly(50_000_000L);
        assertThat(endpoint.callsTo("d0")).isEqualTo(1);
        assertThat(result.attempts()).extracting(a -> a.outcome())
                .containsExactly(Outcome.FAILED, Outcome.SKIPPED_DEADLINE);
    }

    @ParameterizedTest
    @EnumSource(FailureKind.class)
    void only_transient_kinds_are_retried_on_the_same_deployment(FailureKind kind) {
        endpoint.script("d0", fail(kind), ok(10, 5));

        run(RetrySettings.defaults());

        assertThat(endpoint.callsTo("d0")).isEqualTo(kind.retryableSameDeployment() ? 2 : 1);
    }
}

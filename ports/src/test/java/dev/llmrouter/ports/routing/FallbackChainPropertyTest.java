package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.throttled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.domain.fixtures.FakeClock;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.Step;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.Attempt.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Property 2 — fallback chain execution (Requirement 1.4): over arbitrary chains, breaker states and
 * scripted outcomes, deployments are attempted in chain order, each at most as configured, open
 * breakers are skipped, the first success is returned, a final error stops the chain, exhaustion lists
 * every candidate, no attempt starts after the deadline, and only health failures reach the breaker.
 */
@DisplayName("Property 2 — fallback chain execution")
class FallbackChainPropertyTest {

    private static final ModelSpec MODEL = ModelSpec.builder("m").tier(Tier.STANDARD).build();
    private static final Duration DEADLINE = Duration.ofMillis(1_000);

    /** The scripted answers a deployment may give (index into this list). */
    private static final List<Step> STEPS = List.of(
            ok(10, 5),
            fail(FailureKind.SERVER_ERROR),
            fail(FailureKind.TIMEOUT).taking(Duration.ofMillis(300)),
            fail(FailureKind.CONNECTION_RESET),
            throttled(Duration.ofSeconds(5)),
            fail(FailureKind.THROTTLED, 429),
            fail(FailureKind.DEPLOYMENT_MISSING),
            fail(FailureKind.BAD_REQUEST),
            fail(FailureKind.CONTENT_FILTERED),
            ok(7, 3).taking(Duration.ofMillis(450)),
            fail(FailureKind.SERVER_ERROR).taking(Duration.ofMillis(600)));

    record Deployment(boolean breakerOpen, List<Integer> script) {}

    record Scenario(List<Deployment> chain, int retries) {}

    private static Gen<Scenario> scenarios() {
        Gen<Deployment> deployment = integers().between(0, 4).zip(
                lists().of(integers().between(0, STEPS.size() - 1)).ofSizeBetween(1, 3),
                (open, script) -> new Deployment(open == 0, script));
        return lists().of(deployment).ofSizeBetween(1, 6).zip(integers().between(0, 2), Scenario::new);
    }

    @Test
    void chains_run_in_order_skip_open_breakers_stop_on_final_errors_and_respect_the_deadline() {
        qt().withExamples(300).forAll(scenarios()).checkAssert(this::check);
    }

    private void check(Scenario s) {
        // given a chain of deployments, some with open breakers, each answering from its script
        FakeClock clock = new FakeClock();
        ScriptedChatEndpoint endpoint = new ScriptedChatEndpoint(clock);
        RecordingHealth health = new RecordingHealth();
        List<Candidate> chain = new ArrayList<>();
        Map<String, Deployment> byId = new HashMap<>();
        for (int i = 0; i < s.chain().size(); i++) {
            String id = "d" + i;
            Deployment d = s.chain().get(i);
            chain.add(new Candidate(Fixtures.deployment(id, "m", Fixtures.EASTUS, ChainRole.PRIMARY), MODEL,
                    Tier.STANDARD, false));
            byId.put(id, d);
            endpoint.script(id, d.script().stream().map(STEPS::get).toArray(Step[]::new));
            if (d.breakerOpen()) {
                health.open(id, clock.instant().plusSeconds(30));
            }
        }
        FallbackExecutor executor = new FallbackExecutor(health,
                RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(s.retries()).withRequestDeadline(DEADLINE),
                clock, clock.ticker());
        long deadline = executor.deadlineFromNow();
        List<Long> callStarts = new ArrayList<>();

        // when the chain runs
        ExecutionResult<ChatReply> result = executor.execute(chain, deadline, FallbackExecutor.HopGate.OPEN, (c, timeout) -> {
            callStarts.add(clock.nanos());
            return endpoint.complete(new ChatCall(c, ChatRequest.chat("{}"), 100, timeout, "r"));
        }, true);

        // then attempts follow chain order, and calls are exactly the attempts that reached a deployment
        List<Attempt> attempts = result.attempts();
        List<Integer> order = attempts.stream().map(a -> Integer.parseInt(a.deployment().value().substring(1))).toList();
        assertThat(order).isSorted();
        assertThat(endpoint.calledDeployments()).containsExactlyElementsOf(
                attempts.stream().filter(Attempt::reachedDeployment).map(a -> a.deployment().value()).toList());
        // each deployment is called at most 1 + retries times
        for (String id : byId.keySet()) {
            assertThat(endpoint.callsTo(id)).isLessThanOrEqualTo(1 + s.retries());
        }
        // an open breaker is never called, and shows as skipped
        for (Attempt a : attempts) {
            if (byId.get(a.deployment().value()).breakerOpen()) {
                assertThat(a.outcome()).isIn(Outcome.SKIPPED_BREAKER_OPEN, Outcome.SKIPPED_DEADLINE);
            }
        }
        // no call starts at or after the deadline
        assertThat(callStarts).allMatch(t -> t < deadline);
        // only a success's own attempt is SUCCESS, and it is the last
        long successes = attempts.stream().filter(a -> a.outcome() == Outcome.SUCCESS).count();
        if (result instanceof ExecutionResult.Succeeded<ChatReply> ok) {
            assertThat(successes).isEqualTo(1);
            assertThat(attempts.get(attempts.size() - 1).outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(attempts.get(attempts.size() - 1).deployment()).isEqualTo(ok.candidate().deployment().id());
        } else {
            assertThat(successes).isZero();
        }
        // a final error is the last thing tried; no earlier attempt had a final error
        for (int i = 0; i < attempts.size(); i++) {
            boolean finalError = attempts.get(i).failure().map(f -> f.kind().isFinal()).orElse(false);
            assertThat(finalError).isEqualTo(result instanceof ExecutionResult.FailedFinally<?> && i == attempts.size() - 1);
        }
        // exhaustion lists every candidate of the chain, called or skipped
        if (result instanceof ExecutionResult.Exhausted<?>) {
            assertThat(attempts.stream().map(a -> a.deployment().value()).distinct().toList())
                    .containsExactlyElementsOf(byId.keySet().stream().sorted().toList());
        }
        // the breaker hears only health failures; every granted permit gets exactly one report
        long healthFailures = attempts.stream()
                .filter(a -> a.failure().map(f -> f.kind().countsAgainstBreaker()).orElse(false)).count();
        assertThat(health.count("failure:")).isEqualTo(healthFailures);
        assertThat(health.count("success:")).isEqualTo(successes);
        assertThat(health.reported).isEqualTo(health.granted);
        // a throttled answer with retry-after cools its deployment down
        for (Attempt a : attempts) {
            a.failure().filter(f -> f.retryAfter().isPresent())
                    .ifPresent(f -> assertThat(health.coolingUntil).containsKey(a.deployment()));
        }
    }
}

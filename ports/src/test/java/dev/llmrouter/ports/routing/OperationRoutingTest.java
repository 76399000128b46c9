package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4 through the router: the operation of the request decides which models may be
 * called. A text completion reaches only the model with the text-completion capability, a chat never
 * reaches it, not even as a fallback when every chat deployment fails.
 */
@DisplayName("Requirement 1.4: the router calls only models that serve the request's operation")
class OperationRoutingTest {

    private static ChatRequest textCompletion() {
        return new ChatRequest(ChatOperation.TEXT_COMPLETION, "{\"prompt\":\"Hello\"}".getBytes(StandardCharsets.UTF_8),
                false, false, 0, 0);
    }

    @Test
    void a_text_completion_for_a_tier_calls_only_the_instruct_model() {
        // given
        RouterHarness h = new RouterHarness();

        // when
        ChatOutcome outcome = h.router().complete(RouterHarness.ask("economy", textCompletion()));

        // then
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class,
                s -> assertThat(s.route().model().id()).isEqualTo("gpt-35-turbo-instruct"));
        assertThat(h.endpoint.calledDeployments()).containsExactly("gpt-35-turbo-instruct-eastus");
    }

    @Test
    void a_chat_never_falls_back_to_the_instruct_model() {
        // given: every deployment fails, so a chat for economy walks its whole chain
        RouterHarness h = new RouterHarness();
        h.endpoint.defaultStep(fail(FailureKind.SERVER_ERROR));

        // when
        ChatOutcome outcome = h.router().complete(new ChatCommand(RouterHarness.enterprise(), "economy", null,
                Residency.ANY, true, ChatRequest.chat("{\"messages\":[]}"), ""));

        // then
        assertThat(outcome).isInstanceOf(ChatOutcome.Exhausted.class);
        assertThat(h.endpoint.calledDeployments()).isNotEmpty().noneMatch(d -> d.startsWith("gpt-35-turbo-instruct"));
    }

    @Test
    void a_text_completion_no_model_in_reach_serves_is_refused_before_any_call() {
        // given
        RouterHarness h = new RouterHarness();

        // when: premium without fall-down, and no premium model serves text completions
        ChatOutcome outcome = h.router().complete(RouterHarness.ask("premium", textCompletion()));

        // then
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, r -> {
            assertThat(r.refusal().reason()).isEqualTo(Refusal.Reason.NO_ELIGIBLE_DEPLOYMENT);
            assertThat(r.refusal().message()).contains("text-completion capability");
        });
        assertThat(h.endpoint.calledDeployments()).isEmpty();
    }
}

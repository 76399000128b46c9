package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.throttled;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ByteBoundEstimator;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.1 through the router: an embeddings request goes only to the embedding model; nothing
 * is generated, so the deployment is sent no output cap and the quota reserves the prompt's upper
 * bound alone, at the model's input price; a 429 or a 5xx from the first deployment falls back to the
 * next with one usage record; a chat never reaches the embedding model.
 */
@DisplayName("Requirement 8.1: the router routes, reserves and records embeddings")
class EmbeddingsRoutingTest {

    static final String MODEL = "text-embedding-3-small";

    static ChatRequest embeddings() {
        return new ChatRequest(ChatOperation.EMBEDDINGS,
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"hello\",\"world\"]}".getBytes(StandardCharsets.UTF_8),
                false, false, 0, 0);
    }

    @Test
    void the_reservation_is_the_prompt_bound_alone_and_no_cap_is_sent() {
        // given
        RouterHarness h = new RouterHarness();
        RecordingQuotaGate quota = new RecordingQuotaGate();
        h.builder.quota(quota);
        h.endpoint.script(MODEL + "-eastus", ok(2, 0));
        ModelSpec model = h.fleet.catalog().model(MODEL).orElseThrow();
        long promptBound = new ByteBoundEstimator().estimate(embeddings(), model.encoding()).maxTokens();

        // when
        ChatOutcome outcome = h.router().complete(ask(MODEL, embeddings()));

        // then
        assertThat(quota.reserved).containsExactly(new QuotaGate.Charge(promptBound, model.pricing().costOf(promptBound, 0)));
        assertThat(h.endpoint.calls()).singleElement().satisfies(c -> assertThat(c.maxOutputTokens()).isZero());
        assertThat(quota.settled).containsExactly(new QuotaGate.Charge(2, model.pricing().costOf(2, 0)));
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class,
                s -> assertThat(s.cost()).isEqualTo(model.pricing().costOf(2, 0)));
    }

    @Test
    void a_tier_request_gets_the_tiers_embedding_model() {
        RouterHarness h = new RouterHarness();

        ChatOutcome outcome = h.router().complete(ask("economy", embeddings()));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class,
                s -> assertThat(s.route().model().id()).isEqualTo(MODEL));
        assertThat(h.endpoint.calledDeployments()).containsExactly(MODEL + "-eastus");
    }

    @Test
    void a_throttled_or_failing_primary_falls_back_with_one_usage_record() {
        for (ScriptedChatEndpoint.Step first : new ScriptedChatEndpoint.Step[] {throttled(Duration.ofSeconds(5)), fail(FailureKind.SERVER_ERROR, 503)}) {
            // given
            RouterHarness h = new RouterHarness();
            h.endpoint.script(MODEL + "-eastus", first);
            h.endpoint.script(MODEL + "-westeurope", ok(7, 0));

            // when
            ChatOutcome outcome = h.router().complete(ask(MODEL, embeddings()));

            // then
            assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class,
                    s -> assertThat(s.route().deployment().id().value()).isEqualTo(MODEL + "-westeurope"));
            // (a 5xx may be retried on the same deployment first, as for chat)
            assertThat(h.endpoint.calledDeployments()).startsWith(MODEL + "-eastus").endsWith(MODEL + "-westeurope");
            assertThat(h.ledger.all()).singleElement().satisfies(r -> {
                assertThat(r.deployment()).isEqualTo(MODEL + "-westeurope");
                assertThat(r.tokens().inputTokens()).isEqualTo(7);
                assertThat(r.tokens().outputTokens()).isZero();
            });
        }
    }

    @Test
    void a_chat_never_reaches_the_embedding_model() {
        RouterHarness h = new RouterHarness();
        h.endpoint.defaultStep(fail(FailureKind.SERVER_ERROR));

        ChatOutcome outcome = h.router().complete(new ChatCommand(RouterHarness.enterprise(), "economy", null,
                Residency.ANY, true, ChatRequest.chat("{\"messages\":[]}"), ""));

        assertThat(outcome).isInstanceOf(ChatOutcome.Exhausted.class);
        assertThat(h.endpoint.calledDeployments()).isNotEmpty().noneMatch(d -> d.startsWith(MODEL));
    }
}

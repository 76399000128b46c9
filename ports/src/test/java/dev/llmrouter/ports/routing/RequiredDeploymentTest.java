package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.throttled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2 in the router's core: a request that must go to one deployment (it continues a response
 * that deployment stored) is sent there and nowhere else, even where the chain would try another first,
 * and is never fallen back from; when that deployment is ruled out by the route, or its breaker is open or
 * it cools down, the request is refused with a reason the caller can read, before any reservation and
 * without a record.
 */
@DisplayName("Requirement 8.2 — a request pinned to one deployment goes there or nowhere")
class RequiredDeploymentTest {

    static ChatCommand pinned(String requested, String deployment) {
        return RouterHarness.ask(requested, ChatRequest.chat("{\"messages\":[]}"))
                .withRequiredDeployment(DeploymentId.of(deployment));
    }

    @Test
    void it_goes_to_its_deployment_even_where_the_chain_starts_elsewhere() {
        // given the chain for gpt-4o starts at eastus
        RouterHarness h = new RouterHarness();

        // when a request pinned to westeurope is routed
        ChatOutcome outcome = h.router().complete(pinned("gpt-4o", "gpt-4o-westeurope"));

        // then only westeurope was called
        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        assertThat(h.endpoint.calledDeployments()).containsExactly("gpt-4o-westeurope");
        assertThat(h.ledger.all()).singleElement().satisfies(r -> assertThat(r.deployment()).isEqualTo("gpt-4o-westeurope"));
    }

    @Test
    void a_failing_pinned_deployment_is_not_fallen_back_from() {
        RouterHarness h = new RouterHarness();
        h.endpoint.script("gpt-4o-westeurope", fail(FailureKind.SERVER_ERROR));

        ChatOutcome outcome = h.router().complete(pinned("gpt-4o", "gpt-4o-westeurope"));

        assertThat(outcome).isInstanceOfAny(ChatOutcome.Exhausted.class, ChatOutcome.Failed.class);
        assertThat(h.endpoint.calledDeployments()).containsOnly("gpt-4o-westeurope");
    }

    @Test
    void a_pinned_deployment_cooling_down_is_refused_before_any_reservation() {
        RouterHarness h = new RouterHarness();
        RecordingQuotaGate quota = new RecordingQuotaGate();
        h.builder.quota(quota);
        h.endpoint.script("gpt-4o-westeurope", throttled(Duration.ofSeconds(30)), ok(10, 5));
        h.router().complete(pinned("gpt-4o", "gpt-4o-westeurope")); // the 429 starts a 30 s cooldown
        int reservations = quota.reserved.size();
        int records = h.ledger.all().size();

        ChatOutcome outcome = h.router().complete(pinned("gpt-4o", "gpt-4o-westeurope"));

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, refused -> {
            assertThat(refused.refusal().reason()).isEqualTo(Refusal.Reason.REQUIRED_DEPLOYMENT_UNAVAILABLE);
            assertThat(refused.refusal().message()).contains("gpt-4o-westeurope");
            assertThat(refused.refusal().retryAfter()).hasValueSatisfying(
                    wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30)));
        });
        assertThat(h.endpoint.calledDeployments()).containsExactly("gpt-4o-westeurope");
        assertThat(quota.reserved).hasSize(reservations);
        assertThat(h.ledger.all()).hasSize(records);
    }

    @Test
    void a_pinned_deployment_the_route_rules_out_is_refused_as_not_eligible() {
        RouterHarness h = new RouterHarness();
        ChatCommand eu = new ChatCommand(RouterHarness.enterprise(), "gpt-4o", null,
                Residency.inRegions("westeurope"), false, ChatRequest.chat("{\"messages\":[]}"), "")
                .withRequiredDeployment(DeploymentId.of("gpt-4o-eastus"));

        ChatOutcome outcome = h.router().complete(eu);

        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Refused.class, refused ->
                assertThat(refused.refusal().reason()).isEqualTo(Refusal.Reason.REQUIRED_DEPLOYMENT_NOT_ELIGIBLE));
        assertThat(h.endpoint.calledDeployments()).isEmpty();
        assertThat(h.ledger.all()).isEmpty();
    }

    @Test
    void a_pinned_stream_goes_to_its_deployment_too() {
        RouterHarness h = new RouterHarness();
        RouterHarness.Listener listener = new RouterHarness.Listener();

        ChatOutcome outcome = h.router().stream(pinned("gpt-4o", "gpt-4o-westeurope"), listener);

        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        assertThat(listener.starts).singleElement().satisfies(r ->
                assertThat(r.deployment().id().value()).isEqualTo("gpt-4o-westeurope"));
        assertThat(h.endpoint.calledDeployments()).containsExactly("gpt-4o-westeurope");
    }
}

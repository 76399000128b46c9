package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.throttled;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.telemetry.RouterTelemetry;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Requirements 4.1, 3.4 — observers never break a request; operators see each deployment's health. */
@DisplayName("Requirements 4.1, 3.4 — guarded telemetry and deployment status")
class ObserversAndStatusTest {

    @Test
    void a_throwing_telemetry_never_fails_a_request() {
        // given telemetry that throws on every call
        RouterHarness h = new RouterHarness();
        h.builder.telemetry(new RouterTelemetry() {
            @Override
            public void attempt(String model, Attempt attempt) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void requestCompleted(UsageRecord record, int fallbacks) {
                throw new IllegalStateException("metrics down");
            }

            @Override
            public void refused(Refusal.Reason reason) {
                throw new IllegalStateException("metrics down");
            }
        });

        // when requests are served and refused
        ChatOutcome served = h.router().complete(ask("gpt-4o"));
        ChatOutcome refused = h.router().complete(ask("nope"));

        // then both end normally and the usage is still recorded
        assertThat(served).isInstanceOf(ChatOutcome.Served.class);
        assertThat(refused).isInstanceOf(ChatOutcome.Refused.class);
        assertThat(h.ledger.all()).hasSize(1);
    }

    @Test
    void telemetry_hears_each_attempt_and_the_fallbacks_taken() {
        RouterHarness h = new RouterHarness();
        int[] attempts = {0};
        int[] fallbacks = {-1};
        h.builder.telemetry(new RouterTelemetry() {
            @Override
            public void attempt(String model, Attempt attempt) {
                attempts[0]++;
            }

            @Override
            public void requestCompleted(UsageRecord record, int taken) {
                fallbacks[0] = taken;
            }
        });
        h.endpoint.script("gpt-4o-eastus", throttled(Duration.ofSeconds(1)));

        h.router().complete(ask("gpt-4o"));

        assertThat(attempts[0]).isEqualTo(2);
        assertThat(fallbacks[0]).isEqualTo(1);
    }

    @Test
    void operators_see_every_deployment_and_its_cooldown() {
        RouterHarness h = new RouterHarness();
        h.endpoint.script("gpt-4o-eastus", throttled(Duration.ofSeconds(9)));
        h.router().complete(ask("gpt-4o"));

        assertThat(h.router().deployments()).hasSize(h.fleet.deployments().size());
        DeploymentStatus east = h.router().deployments().stream()
                .filter(d -> d.deployment().id().value().equals("gpt-4o-eastus")).findFirst().orElseThrow();
        assertThat(east.coolingUntil()).contains(h.clock.instant().plusSeconds(9));
    }
}

package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.fixtures.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Requirement 6: one breaker per deployment")
class BreakersTest {

    private static final DeploymentId EAST = DeploymentId.of("eastus-gpt4o");
    private static final DeploymentId WEST = DeploymentId.of("westus-gpt4o");

    @Test
    void eachDeploymentGetsItsOwnBreakerWithItsOwnConfig() {
        RecordingListener events = new RecordingListener();
        Breakers breakers = new Breakers(id -> id.equals(EAST)
                ? BreakerConfig.defaults().withOpenDuration(Duration.ofSeconds(10))
                : BreakerConfig.defaults(), events);
        FakeClock clock = new FakeClock();

        CircuitBreaker east = breakers.forDeployment(EAST);
        assertThat(breakers.forDeployment(EAST)).isSameAs(east);
        assertThat(east.config().openDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(breakers.forDeployment(WEST).config()).isEqualTo(BreakerConfig.defaults());

        for (int i = 0; i < 5; i++) {
            east.onFailure(0, clock.nanos());
        }
        assertThat(breakers.statuses()).containsExactly(
                java.util.Map.entry(EAST, BreakerStatus.OPEN), java.util.Map.entry(WEST, BreakerStatus.CLOSED));
        assertThat(events.events()).singleElement().extracting(BreakerTransition::deployment).isEqualTo(EAST);
        assertThat(breakers.find(DeploymentId.of("never-used"))).isEmpty();
    }
}

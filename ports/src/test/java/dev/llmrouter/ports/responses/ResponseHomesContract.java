package dev.llmrouter.ports.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2: what every {@link ResponseHomes} must guarantee. An id it was told of is found at
 * the deployment it was told; an id it was not told of is unknown; a second answer under the same id (a
 * retried call) moves the entry; ids are kept apart exactly, whatever they hold.
 */
public abstract class ResponseHomesContract {

    protected abstract ResponseHomes newHomes();

    @Test
    void a_remembered_response_is_found_at_its_deployment() {
        ResponseHomes homes = newHomes();

        homes.remember("resp_a", DeploymentId.of("east"));
        homes.remember("resp_b", DeploymentId.of("west"));

        assertThat(homes.find("resp_a")).isEqualTo(new ResponseHomes.Lookup.Found(DeploymentId.of("east")));
        assertThat(homes.find("resp_b")).isEqualTo(new ResponseHomes.Lookup.Found(DeploymentId.of("west")));
    }

    @Test
    void an_id_never_remembered_is_unknown() {
        ResponseHomes homes = newHomes();
        homes.remember("resp_a", DeploymentId.of("east"));

        assertThat(homes.find("resp_b")).isInstanceOf(ResponseHomes.Lookup.Unknown.class);
        assertThat(homes.find("resp_")).isInstanceOf(ResponseHomes.Lookup.Unknown.class);
    }

    @Test
    void the_latest_answer_under_an_id_wins() {
        ResponseHomes homes = newHomes();

        homes.remember("resp_a", DeploymentId.of("east"));
        homes.remember("resp_a", DeploymentId.of("west"));

        assertThat(homes.find("resp_a")).isEqualTo(new ResponseHomes.Lookup.Found(DeploymentId.of("west")));
    }

    @Test
    void ids_with_any_characters_are_kept_apart() {
        ResponseHomes homes = newHomes();

        homes.remember("resp_{x}", DeploymentId.of("east"));
        homes.remember("resp_{x}*", DeploymentId.of("west"));
        homes.remember("résp ü", DeploymentId.of("north"));

        assertThat(homes.find("resp_{x}")).isEqualTo(new ResponseHomes.Lookup.Found(DeploymentId.of("east")));
        assertThat(homes.find("resp_{x}*")).isEqualTo(new ResponseHomes.Lookup.Found(DeploymentId.of("west")));
        assertThat(homes.find("résp ü")).isEqualTo(new ResponseHomes.Lookup.Found(DeploymentId.of("north")));
        assertThat(homes.find("resp_*")).isInstanceOf(ResponseHomes.Lookup.Unknown.class);
    }
}

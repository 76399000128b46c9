package dev.llmrouter.adapters.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.redis.fixtures.EmbeddedRedis;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.responses.ResponseHomes;
import dev.llmrouter.ports.responses.ResponseHomesContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2: {@link ResponseHomesContract} on {@link RedisResponseHomes} against a real Redis: what
 * one gateway process remembers another finds; a Redis that does not answer makes a lookup
 * {@link ResponseHomes.Lookup.Unavailable} and a remember a no-op, never an exception.
 */
class RedisResponseHomesTest extends ResponseHomesContract {

    private final EmbeddedRedis server = EmbeddedRedis.shared();
    private RedisLink link;
    private RedisLink other;

    @Override
    protected ResponseHomes newHomes() {
        server.flushAll();
        if (link == null) {
            link = RedisLink.open(server.settings());
        }
        return new RedisResponseHomes(link, Duration.ofDays(30));
    }

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
        }
        if (other != null) {
            other.close();
        }
    }

    @Test
    void another_process_finds_what_one_remembered() {
        ResponseHomes one = newHomes();
        other = RedisLink.open(server.settings());
        ResponseHomes two = new RedisResponseHomes(other, Duration.ofDays(30));

        one.remember("resp_shared", DeploymentId.of("east"));

        assertThat(two.find("resp_shared")).isEqualTo(new ResponseHomes.Lookup.Found(DeploymentId.of("east")));
    }

    @Test
    void a_redis_that_does_not_answer_is_a_value() {
        EmbeddedRedis own = EmbeddedRedis.startNew();
        try (RedisLink down = RedisLink.open(own.settings().withCommandTimeout(Duration.ofMillis(300)))) {
            ResponseHomes homes = new RedisResponseHomes(down, Duration.ofDays(30));
            own.stop();

            homes.remember("resp_a", DeploymentId.of("east"));

            assertThat(homes.find("resp_a")).isInstanceOf(ResponseHomes.Lookup.Unavailable.class);
        } finally {
            own.close();
        }
    }
}

package dev.llmrouter.adapters.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.responses.ResponseHomes;
import dev.llmrouter.ports.responses.ResponseHomesContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2: {@link ResponseHomesContract} on {@link InMemoryResponseHomes}, and its bounds: an entry
 * expires its time-to-live after it was written (on a fake ticker), and the store holds at most its size.
 */
class InMemoryResponseHomesTest extends ResponseHomesContract {

    private final AtomicLong nanos = new AtomicLong();

    @Override
    protected ResponseHomes newHomes() {
        return new InMemoryResponseHomes(Duration.ofDays(30), 1_000, nanos::get);
    }

    @Test
    void an_entry_expires_its_ttl_after_it_was_written() {
        InMemoryResponseHomes homes = new InMemoryResponseHomes(Duration.ofMinutes(10), 1_000, nanos::get);
        homes.remember("resp_a", DeploymentId.of("east"));

        nanos.addAndGet(Duration.ofMinutes(10).minusNanos(1).toNanos());
        assertThat(homes.find("resp_a")).isInstanceOf(ResponseHomes.Lookup.Found.class);
        nanos.addAndGet(1);
        assertThat(homes.find("resp_a")).isInstanceOf(ResponseHomes.Lookup.Unknown.class);
    }

    @Test
    void it_holds_at_most_its_size() {
        InMemoryResponseHomes homes = new InMemoryResponseHomes(Duration.ofDays(30), 10, nanos::get);

        for (int i = 0; i < 1_000; i++) {
            homes.remember("resp_" + i, DeploymentId.of("east"));
        }

        long kept = java.util.stream.IntStream.range(0, 1_000)
                .filter(i -> homes.find("resp_" + i) instanceof ResponseHomes.Lookup.Found).count();
        assertThat(kept).isLessThanOrEqualTo(10);
    }
}

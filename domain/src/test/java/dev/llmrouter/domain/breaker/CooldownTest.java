package dev.llmrouter.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Requirement 1.5 (throttling): a retry-after puts the deployment in a cooldown until then; later
 * signals can only extend it, never shorten it, even when they arrive concurrently.
 */
@DisplayName("Requirement 1.5: throttling cooldown honours retry-after and only ever extends")
class CooldownTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void aFreshDeploymentIsNotCoolingDown() {
        Cooldown cooldown = new Cooldown();
        assertThat(cooldown.isCoolingDown(NOW)).isFalse();
        assertThat(cooldown.until()).isEmpty();
    }

    @Test
    void aRetryAfterIsHonouredToTheNanosecond() {
        // given a 429 asking to retry after 20 s
        Cooldown cooldown = new Cooldown();
        cooldown.onThrottled(Duration.ofSeconds(20), NOW);
        // then calls wait until exactly then
        assertThat(cooldown.until()).contains(NOW.plusSeconds(20));
        assertThat(cooldown.isCoolingDown(NOW.plusSeconds(20).minusNanos(1))).isTrue();
        assertThat(cooldown.isCoolingDown(NOW.plusSeconds(20))).isFalse();
    }

    @Test
    void aShorterLaterSignalDoesNotShortenIt() {
        Cooldown cooldown = new Cooldown();
        cooldown.onThrottled(Duration.ofSeconds(60), NOW);
        // when 10 s later a 429 asks for only 5 s
        cooldown.onThrottled(Duration.ofSeconds(5), NOW.plusSeconds(10));
        // then the 60 s deadline stands
        assertThat(cooldown.until()).contains(NOW.plusSeconds(60));
        assertThat(cooldown.isCoolingDown(NOW.plusSeconds(30))).isTrue();
    }

    @Test
    void aLongerLaterSignalExtendsIt() {
        Cooldown cooldown = new Cooldown();
        cooldown.onThrottled(Duration.ofSeconds(5), NOW);
        cooldown.onThrottled(Duration.ofSeconds(30), NOW.plusSeconds(2));
        assertThat(cooldown.until()).contains(NOW.plusSeconds(32));
    }

    @Test
    void aNegativeRetryAfterCoolsDownForNothing() {
        Cooldown cooldown = new Cooldown();
        cooldown.onThrottled(Duration.ofSeconds(-3), NOW);
        assertThat(cooldown.isCoolingDown(NOW)).isFalse();
    }

    @Test
    void theDeadlineIsTheMaximumOfAllSignals() {
        qt().withExamples(300).forAll(lists().of(Generate.longRange(-1_000_000, 1_000_000)).ofSizeBetween(1, 50))
                .checkAssert(offsetsMillis -> {
                    Cooldown cooldown = new Cooldown();
                    for (long offset : offsetsMillis) {
                        cooldown.coolDownUntil(NOW.plusMillis(offset));
                    }
                    long max = offsetsMillis.stream().mapToLong(Long::longValue).max().orElseThrow();
                    assertThat(cooldown.until()).contains(NOW.plusMillis(max));
                });
    }

    @Test
    @DisplayName("16 threads signalling at once: the latest deadline always wins")
    void concurrentSignalsKeepTheMaximum() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 50; round++) {
                Cooldown cooldown = new Cooldown();
                AtomicLong expectedMax = new AtomicLong(Long.MIN_VALUE);
                CyclicBarrier start = new CyclicBarrier(16);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    done.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        for (int i = 0; i < 200; i++) {
                            long until = EpochNanos.of(NOW) + ThreadLocalRandom.current().nextLong(1, 1_000_000_000_000L);
                            expectedMax.accumulateAndGet(until, Math::max);
                            cooldown.coolDownUntil(until);
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get(30, TimeUnit.SECONDS);
                }
                assertThat(cooldown.until()).contains(EpochNanos.toInstant(expectedMax.get()));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

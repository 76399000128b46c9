package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.fixtures.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 6.3–6.5 under contention: many threads released together by a barrier never get more
 * half-open probes than configured, never lose a recorded outcome, and produce exactly one event per
 * transition. No sleeps: the threads race on a shared fake time.
 */
@DisplayName("Requirements 6.3-6.5: the breaker under many threads")
class ConcurrentBreakerTest {

    private static final int THREADS = 16;
    private static final int ROUNDS = 2_000;
    private static final DeploymentId DEPLOYMENT = DeploymentId.of("westeurope-gpt4o");

    private static ExecutorService pool;

    @BeforeAll
    static void startThreads() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stopThreads() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on every thread at once (released by one barrier) and waits for all. */
    private static void race(ThrowingTask task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                task.run(thread);
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
    }

    interface ThrowingTask {
        void run(int thread) throws Exception;
    }

    private static CircuitBreaker openBreaker(int probes, FakeClock clock, BreakerListener listener) {
        CircuitBreaker breaker = new CircuitBreaker(DEPLOYMENT, BreakerConfig.defaults().withHalfOpenProbes(probes),
                listener);
        for (int i = 0; i < 5; i++) {
            breaker.onFailure(0, clock.nanos());
        }
        assertThat(breaker.status()).isEqualTo(BreakerStatus.OPEN);
        return breaker;
    }

    @Test
    @DisplayName("Requirement 6.3: 16 threads racing for permits after the open duration get exactly N probes")
    void halfOpenAdmitsExactlyTheConfiguredProbes() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // given an open breaker whose open duration has just passed, with 1..5 probes
            int probes = 1 + round % 5;
            FakeClock clock = new FakeClock();
            RecordingListener events = new RecordingListener();
            CircuitBreaker breaker = openBreaker(probes, clock, events);
            long now = clock.advance(Duration.ofSeconds(30)).nanos();
            AtomicInteger admitted = new AtomicInteger();
            // when 16 threads ask for 64 permits each at the same moment
            race(thread -> {
                for (int i = 0; i < 64; i++) {
                    if (breaker.tryAcquirePermission(now)) {
                        admitted.incrementAndGet();
                    }
                }
            });
            // then exactly the configured number got through, and open -> half-open was told once
            assertThat(admitted.get()).as("round %s", round).isEqualTo(probes);
            assertThat(breaker.state()).isEqualTo(new BreakerState.HalfOpen(probes, 0, 0));
            assertThat(events.events()).extracting(BreakerTransition::to)
                    .containsExactly(BreakerStatus.OPEN, BreakerStatus.HALF_OPEN);
        }
    }

    @Test
    @DisplayName("Requirement 6.4/6.5: probes finishing together close the breaker once, with one event")
    void concurrentProbeSuccessesCloseOnce() throws Exception {
        for (int round = 0; round < ROUNDS / 8; round++) {
            FakeClock clock = new FakeClock();
            RecordingListener events = new RecordingListener();
            CircuitBreaker breaker = openBreaker(THREADS, clock, events);
            long now = clock.advance(Duration.ofSeconds(30)).nanos();
            for (int i = 0; i < THREADS; i++) {
                assertThat(breaker.tryAcquirePermission(now)).isTrue();
            }
            // when all 16 probes report success at once, and one of them first fails in odd rounds
            boolean oneFails = round % 2 == 1;
            race(thread -> {
                if (oneFails && thread == 0) {
                    breaker.onFailure(0, now);
                } else {
                    breaker.onSuccess(0, now);
                }
            });
            // then exactly one transition ends half-open: to closed when all succeeded, else to open
            List<BreakerTransition> fromHalfOpen = events.events().stream()
                    .filter(event -> event.from() == BreakerStatus.HALF_OPEN).toList();
            assertThat(fromHalfOpen).hasSize(1);
            if (!oneFails) {
                assertThat(breaker.status()).isEqualTo(BreakerStatus.CLOSED);
            } else {
                // closing needs all 16 probes to succeed, so the one failure must have reopened it
                assertThat(breaker.status()).isEqualTo(BreakerStatus.OPEN);
            }
        }
    }

    @Test
    @DisplayName("Requirement 6.1: outcomes recorded by 16 threads at once are all counted")
    void noRecordedOutcomeIsLost() throws Exception {
        BreakerConfig config = BreakerConfig.defaults()
                .withWindow(WindowSpec.lastDuration(Duration.ofMinutes(1))).withMinimumCalls(1_000_000);
        CircuitBreaker breaker = new CircuitBreaker(DEPLOYMENT, config);
        long now = new FakeClock().nanos();
        // when every thread records 3000 outcomes, one in three a failure
        race(thread -> {
            for (int i = 0; i < 3_000; i++) {
                if (i % 3 == 0) {
                    breaker.onFailure(0, now);
                } else {
                    breaker.onSuccess(0, now);
                }
            }
        });
        SlidingWindow window = ((BreakerState.Closed) breaker.state()).window();
        assertThat(window.calls()).isEqualTo(THREADS * 3_000);
        assertThat(window.failures()).isEqualTo(THREADS * 1_000);
    }
}

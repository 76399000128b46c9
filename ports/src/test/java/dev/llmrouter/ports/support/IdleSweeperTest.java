package dev.llmrouter.ports.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The idle sweep of the in-memory stores (Property 17's quota store, the account rate limiter) is
 * started only once due, by the caller that notices it, and never twice at once.
 */
@DisplayName("Idle sweep: started when due, one at a time")
class IdleSweeperTest {

    static final long INTERVAL = 1_000;

    @Test
    void not_due_before_one_interval_has_passed() {
        // given
        AtomicInteger sweeps = new AtomicInteger();
        IdleSweeper sweeper = new IdleSweeper(sweeps::incrementAndGet, INTERVAL, 5_000);

        // when
        sweeper.sweepIfDue(5_000);
        sweeper.sweepIfDue(5_999);

        // then
        assertThat(sweeps).hasValue(0);
    }

    @Test
    void a_due_sweep_runs_once_however_many_callers_notice_it_while_it_runs()
            throws InterruptedException {
        // given a sweep that holds until released
        AtomicInteger sweeps = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IdleSweeper sweeper = new IdleSweeper(() -> {
            sweeps.incrementAndGet();
            started.countDown();
            await(release);
        }, INTERVAL, 0);

        // when callers notice it due while it runs
        sweeper.sweepIfDue(1_000);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        sweeper.sweepIfDue(1_000);
        sweeper.sweepIfDue(5_000);
        release.countDown();

        // then only one started
        assertThat(sweeps).hasValue(1);
    }

    @Test
    void a_wrapping_clock_is_compared_as_nano_time_deadlines() throws InterruptedException {
        // given a clock about to wrap
        CountDownLatch swept = new CountDownLatch(1);
        IdleSweeper sweeper = new IdleSweeper(swept::countDown, INTERVAL, Long.MAX_VALUE - 10);

        // when it reads just before and one interval after, past the wrap
        sweeper.sweepIfDue(Long.MAX_VALUE);
        assertThat(swept.getCount()).isEqualTo(1);
        sweeper.sweepIfDue(Long.MAX_VALUE - 10 + INTERVAL);

        // then the sweep is due
        assertThat(swept.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void the_interval_must_be_positive() {
        assertThatThrownBy(() -> new IdleSweeper(() -> {}, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

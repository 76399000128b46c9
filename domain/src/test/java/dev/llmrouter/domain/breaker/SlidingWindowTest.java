package dev.llmrouter.domain.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/** Requirement 6.1: the sliding windows count exactly the calls their definition says. */
@DisplayName("Requirement 6.1: sliding windows")
class SlidingWindowTest {

    @Test
    void aCountWindowKeepsTheLastNOutcomes() {
        qt().withExamples(300)
                .forAll(Generate.range(1, 130), lists().of(Generate.booleans()).ofSizeBetween(0, 400))
                .checkAssert((size, outcomes) -> {
                    SlidingWindow window = SlidingWindow.empty(WindowSpec.lastCalls(size));
                    List<Boolean> seen = new ArrayList<>();
                    for (boolean failed : outcomes) {
                        window = window.record(failed, 0);
                        seen.add(failed);
                        List<Boolean> last = seen.subList(Math.max(0, seen.size() - size), seen.size());
                        assertThat(window.calls()).isEqualTo(last.size());
                        assertThat(window.failures()).isEqualTo((int) last.stream().filter(f -> f).count());
                    }
                });
    }

    @Test
    void recordingLeavesTheEarlierWindowUnchanged() {
        SlidingWindow empty = SlidingWindow.empty(WindowSpec.lastCalls(3));
        SlidingWindow one = empty.record(true, 0);
        SlidingWindow two = one.record(false, 0).record(true, 0).record(true, 0);
        assertThat(empty.calls()).isZero();
        assertThat(one.calls()).isEqualTo(1);
        assertThat(one.failures()).isEqualTo(1);
        assertThat(two.calls()).isEqualTo(3);
        assertThat(two.failures()).isEqualTo(2);
    }

    @Test
    void aFullWindowOfSuccessesIsUnchangedByOneMore() {
        SlidingWindow window = SlidingWindow.empty(WindowSpec.lastCalls(20));
        for (int i = 0; i < 20; i++) {
            window = window.record(false, 0);
        }
        assertThat(window.record(false, 0)).isSameAs(window);
        // and a failure after it still counts from the right place
        SlidingWindow failed = window.record(true, 0);
        assertThat(failed.calls()).isEqualTo(20);
        assertThat(failed.failures()).isEqualTo(1);
    }

    @Test
    void aHealthyBreakerDoesNotChangeStateOnSuccess() {
        CircuitBreaker breaker = new CircuitBreaker(dev.llmrouter.domain.deployment.DeploymentId.of("d"),
                BreakerConfig.defaults());
        for (int i = 0; i < 20; i++) {
            breaker.onSuccess(0, 0);
        }
        BreakerState steady = breaker.state();
        breaker.tryAcquirePermission(0);
        breaker.onSuccess(0, 0);
        assertThat(breaker.state()).isSameAs(steady);
    }

    @Test
    void aTimeWindowDropsWholeBucketsOlderThanItsSpan() {
        // given a 10 s window: ten 1 s buckets
        SlidingWindow window = SlidingWindow.empty(WindowSpec.lastDuration(Duration.ofSeconds(10)));
        long second = Duration.ofSeconds(1).toNanos();
        window = window.record(true, 0).record(true, second / 2).record(false, 3 * second);
        assertThat(window.calls()).isEqualTo(3);
        // when a call comes 9.9 s after the first: bucket 9, the first bucket (0) is still inside
        window = window.record(false, 9 * second + second * 9 / 10);
        assertThat(window.calls()).isEqualTo(4);
        // when one comes at 10 s: bucket 10 replaces bucket 0 and its two failures leave
        window = window.record(false, 10 * second);
        assertThat(window.calls()).isEqualTo(3);
        assertThat(window.failures()).isZero();
        // when one comes a minute later: everything earlier has left
        window = window.record(true, 70 * second);
        assertThat(window.calls()).isEqualTo(1);
        assertThat(window.failures()).isEqualTo(1);
    }

    @Test
    void aTimeWindowRecordsAnEarlierTimeIntoItsNewestBucket() {
        SlidingWindow window = SlidingWindow.empty(WindowSpec.lastDuration(Duration.ofSeconds(10)));
        long second = Duration.ofSeconds(1).toNanos();
        window = window.record(false, 20 * second).record(true, 5 * second);
        assertThat(window.calls()).isEqualTo(2);
        window = window.record(false, 29 * second);
        assertThat(window.calls()).isEqualTo(3);
        window = window.record(false, 30 * second);
        assertThat(window.calls()).isEqualTo(2);
    }

    @Test
    void theThresholdIsComparedExactly() {
        SlidingWindow window = SlidingWindow.empty(WindowSpec.lastCalls(3)).record(true, 0).record(false, 0)
                .record(false, 0);
        assertThat(window.exceeds(3, 33)).isTrue();  // 1/3 = 33.33 % >= 33 %
        assertThat(window.exceeds(3, 34)).isFalse();
        assertThat(window.exceeds(4, 1)).isFalse();  // too few calls
    }
}

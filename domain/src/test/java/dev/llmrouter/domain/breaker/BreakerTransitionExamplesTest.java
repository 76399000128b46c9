package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.fixtures.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Requirements 6.1–6.5 by example: each transition of the default breaker, given/when/then. */
@DisplayName("Requirements 6.1-6.5: breaker transitions by example")
class BreakerTransitionExamplesTest {

    private static final DeploymentId DEPLOYMENT = DeploymentId.of("swedencentral-gpt4o");
    private static final long FAST = Duration.ofMillis(120).toNanos();

    private FakeClock clock;
    private RecordingListener events;
    private CircuitBreaker breaker;

    @BeforeEach
    void defaultBreaker() {
        clock = new FakeClock();
        events = new RecordingListener();
        breaker = new CircuitBreaker(DEPLOYMENT, BreakerConfig.defaults(), events);
    }

    private void succeed(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquirePermission(clock.nanos())).isTrue();
            breaker.onSuccess(FAST, clock.nanos());
        }
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.tryAcquirePermission(clock.nanos());
            breaker.onFailure(FAST, clock.nanos());
        }
    }

    private void open() {
        fail(5);
        assertThat(breaker.status()).isEqualTo(BreakerStatus.OPEN);
        events.drain();
    }

    private void halfOpen() {
        open();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquirePermission(clock.nanos())).isTrue();
        assertThat(breaker.status()).isEqualTo(BreakerStatus.HALF_OPEN);
        events.drain();
    }

    @Nested
    @DisplayName("Requirement 6.1: closed")
    class Closed {

        @Test
        void startsClosedAndAdmitsEveryCall() {
            assertThat(breaker.status()).isEqualTo(BreakerStatus.CLOSED);
            assertThat(breaker.tryAcquirePermission(clock.nanos())).isTrue();
            assertThat(breaker.expectedAvailableAt()).isEmpty();
        }

        @Test
        void fourFailuresAreBelowTheMinimumOfFiveCalls() {
            // given a fresh breaker (minimum 5 calls)
            // when four calls fail in a row
            fail(4);
            // then the rate is 100 % but the window is too small to judge
            assertThat(breaker.status()).isEqualTo(BreakerStatus.CLOSED);
        }

        @Test
        void opensWhenTheFailureRateReachesFiftyPercent() {
            // given 5 successes
            succeed(5);
            // when 4 calls fail: 4/9 = 44 %
            fail(4);
            assertThat(breaker.status()).isEqualTo(BreakerStatus.CLOSED);
            // and a fifth fails: 5/10 = 50 %
            fail(1);
            // then it opens for 30 s
            assertThat(breaker.status()).isEqualTo(BreakerStatus.OPEN);
            assertThat(breaker.expectedAvailableAt()).contains(clock.instant().plusSeconds(30));
            assertThat(events.events()).singleElement().satisfies(event -> {
                assertThat(event.from()).isEqualTo(BreakerStatus.CLOSED);
                assertThat(event.to()).isEqualTo(BreakerStatus.OPEN);
                assertThat(event.reason()).contains("50%", "5/10");
            });
        }

        @Test
        void oldOutcomesLeaveTheTwentyCallWindow() {
            // given 6 successes, 4 failures (40 %) and 10 more successes: 4/20
            succeed(6);
            fail(4);
            succeed(10);
            // when 10 more successes push the first 10 calls, failures included, out of the window
            succeed(10);
            // and one call fails
            fail(1);
            // then the window holds 1 failure in 20 calls
            assertThat(breaker.status()).isEqualTo(BreakerStatus.CLOSED);
            assertThat(((BreakerState.Closed) breaker.state()).window().failures()).isEqualTo(1);
            assertThat(((BreakerState.Closed) breaker.state()).window().calls()).isEqualTo(20);
        }

        @Test
        void slowSuccessesCountAsFailures() {
            // given a 2 s slow-call threshold
            breaker = new CircuitBreaker(DEPLOYMENT,
                    BreakerConfig.defaults().withSlowCallThreshold(Duration.ofSeconds(2)), events);
            // when five calls succeed, each after 2.5 s
            for (int i = 0; i < 5; i++) {
                breaker.tryAcquirePermission(clock.nanos());
                breaker.onSuccess(Duration.ofMillis(2_500).toNanos(), clock.nanos());
            }
            // then the breaker opens as if they had failed
            assertThat(breaker.status()).isEqualTo(BreakerStatus.OPEN);
        }

        @Test
        void aTimeBasedWindowForgetsCallsOlderThanItsSpan() {
            // given a 10 s time-based window
            breaker = new CircuitBreaker(DEPLOYMENT,
                    BreakerConfig.defaults().withWindow(WindowSpec.lastDuration(Duration.ofSeconds(10))), events);
            fail(4);
            // when 11 s pass and one more call fails
            clock.advance(Duration.ofSeconds(11));
            fail(1);
            // then the window holds just that one call: below the minimum
            assertThat(breaker.status()).isEqualTo(BreakerStatus.CLOSED);
            assertThat(((BreakerState.Closed) breaker.state()).window().calls()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("Requirement 6.2: open")
    class Open {

        @Test
        void refusesEveryCallUntilTheOpenDurationHasPassed() {
            // given an open breaker
            open();
            // when calls are asked for during the next 30 s
            clock.advance(Duration.ofSeconds(29).plusMillis(999));
            // then each is refused, and the breaker stays open and silent
            assertThat(breaker.tryAcquirePermission(clock.nanos())).isFalse();
            assertThat(breaker.status()).isEqualTo(BreakerStatus.OPEN);
            assertThat(events.events()).isEmpty();
        }

        @Test
        void ignoresLateOutcomesOfCallsAdmittedBeforeItOpened() {
            open();
            BreakerState before = breaker.state();
            breaker.onSuccess(FAST, clock.nanos());
            breaker.onFailure(FAST, clock.nanos());
            assertThat(breaker.state()).isSameAs(before);
        }
    }

    @Nested
    @DisplayName("Requirement 6.3: open -> half-open")
    class ToHalfOpen {

        @Test
        void theFirstPermitAfterTheOpenDurationIsTheFirstProbe() {
            // given a breaker opened 30 s ago
            open();
            clock.advance(Duration.ofSeconds(30));
            // when a call is asked for
            boolean permitted = breaker.tryAcquirePermission(clock.nanos());
            // then it is let through as a probe, and the breaker is half-open
            assertThat(permitted).isTrue();
            assertThat(breaker.state()).isEqualTo(new BreakerState.HalfOpen(1, 0, 0));
            assertThat(events.events()).singleElement().satisfies(event -> {
                assertThat(event.from()).isEqualTo(BreakerStatus.OPEN);
                assertThat(event.to()).isEqualTo(BreakerStatus.HALF_OPEN);
                assertThat(event.at()).isEqualTo(clock.instant());
            });
        }

        @Test
        void admitsAtMostThreeProbes() {
            halfOpen();
            assertThat(breaker.tryAcquirePermission(clock.nanos())).isTrue();
            assertThat(breaker.tryAcquirePermission(clock.nanos())).isTrue();
            assertThat(breaker.tryAcquirePermission(clock.nanos())).isFalse();
            assertThat(breaker.tryAcquirePermission(clock.nanos())).isFalse();
        }
    }

    @Nested
    @DisplayName("Requirement 6.4: half-open -> closed or open")
    class FromHalfOpen {

        @Test
        void closesWhenAllThreeProbesSucceed() {
            halfOpen();
            breaker.tryAcquirePermission(clock.nanos());
            breaker.tryAcquirePermission(clock.nanos());
            breaker.onSuccess(FAST, clock.nanos());
            breaker.onSuccess(FAST, clock.nanos());
            assertThat(breaker.status()).isEqualTo(BreakerStatus.HALF_OPEN);
            breaker.onSuccess(FAST, clock.nanos());
            assertThat(breaker.status()).isEqualTo(BreakerStatus.CLOSED);
            assertThat(((BreakerState.Closed) breaker.state()).window().calls()).isZero();
            assertThat(events.events()).singleElement().satisfies(event -> {
                assertThat(event.from()).isEqualTo(BreakerStatus.HALF_OPEN);
                assertThat(event.to()).isEqualTo(BreakerStatus.CLOSED);
            });
        }

        @Test
        void reopensForTwiceAsLongWhenAProbeFails() {
            halfOpen();
            breaker.onFailure(FAST, clock.nanos());
            assertThat(breaker.state()).isInstanceOfSatisfying(BreakerState.Open.class, open -> {
                assertThat(open.reopens()).isEqualTo(1);
                assertThat(open.until()).isEqualTo(clock.instant().plusSeconds(60));
            });
            assertThat(events.events()).singleElement().satisfies(event -> {
                assertThat(event.from()).isEqualTo(BreakerStatus.HALF_OPEN);
                assertThat(event.to()).isEqualTo(BreakerStatus.OPEN);
                assertThat(event.reason()).contains("probe failed");
            });
        }

        @Test
        void theOpenDurationDoublesUpToFiveMinutesThenStays() {
            open();
            long[] expectedSeconds = {60, 120, 240, 300, 300};
            long waited = 30;
            for (long seconds : expectedSeconds) {
                clock.advance(Duration.ofSeconds(waited));
                assertThat(breaker.tryAcquirePermission(clock.nanos())).isTrue();
                breaker.onFailure(FAST, clock.nanos());
                assertThat(breaker.expectedAvailableAt()).contains(clock.instant().plusSeconds(seconds));
                waited = seconds;
            }
        }

        @Test
        void aClosedBreakerStartsOverAtThirtySeconds() {
            // given a breaker that failed one probe (next open would be 120 s) and then recovered
            halfOpen();
            breaker.onFailure(FAST, clock.nanos());
            clock.advance(Duration.ofSeconds(60));
            for (int i = 0; i < 3; i++) {
                breaker.tryAcquirePermission(clock.nanos());
            }
            for (int i = 0; i < 3; i++) {
                breaker.onSuccess(FAST, clock.nanos());
            }
            assertThat(breaker.status()).isEqualTo(BreakerStatus.CLOSED);
            // when it opens again from closed
            fail(5);
            // then it is open for the base 30 s
            assertThat(breaker.expectedAvailableAt()).contains(clock.instant().plusSeconds(30));
        }

        @Test
        void aSuccessWithNoProbeOutstandingIsIgnored() {
            halfOpen();
            breaker.onSuccess(FAST, clock.nanos()); // the probe
            breaker.onSuccess(FAST, clock.nanos()); // a late call from before
            assertThat(breaker.state()).isEqualTo(new BreakerState.HalfOpen(1, 1, 0));
        }
    }

    @Nested
    @DisplayName("Requirement 6.5: events")
    class Events {

        @Test
        void aFullCycleEmitsOneEventPerTransition() {
            fail(5);
            clock.advance(Duration.ofSeconds(30));
            for (int i = 0; i < 3; i++) {
                breaker.tryAcquirePermission(clock.nanos());
            }
            for (int i = 0; i < 3; i++) {
                breaker.onSuccess(FAST, clock.nanos());
            }
            assertThat(events.events()).extracting(BreakerTransition::from, BreakerTransition::to)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(BreakerStatus.CLOSED, BreakerStatus.OPEN),
                            org.assertj.core.groups.Tuple.tuple(BreakerStatus.OPEN, BreakerStatus.HALF_OPEN),
                            org.assertj.core.groups.Tuple.tuple(BreakerStatus.HALF_OPEN, BreakerStatus.CLOSED));
            assertThat(events.events()).extracting(BreakerTransition::deployment).containsOnly(DEPLOYMENT);
        }

        @Test
        void aThrowingListenerDoesNotStopTheBreaker() {
            breaker = new CircuitBreaker(DEPLOYMENT, BreakerConfig.defaults(), transition -> {
                throw new IllegalStateException("metrics backend down");
            });
            fail(5);
            assertThat(breaker.status()).isEqualTo(BreakerStatus.OPEN);
            assertThat(breaker.listenerFailures()).isEqualTo(1);
            assertThat(breaker.tryAcquirePermission(clock.nanos())).isFalse();
        }
    }
}

package dev.llmrouter.domain.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.4 (balancing by Azure's remaining capacity): what a {@link LoadBoard} keeps of a
 * deployment's reports while requests are in flight to it. A report is as of its answer, so attempts
 * still in flight when it arrives may not be in it; they are taken off, so the figure kept is never
 * above what the deployment has left.
 */
@DisplayName("Requirement 1.4: a capacity report is read less what is still in flight")
class LoadBoardCapacityTest {

    static final Duration MINUTE = Duration.ofMinutes(1);
    final LoadBoard.Slot slot = new LoadBoard(id -> 1).slot(DeploymentId.of("d"));

    @Test
    void attempts_started_after_a_report_are_taken_off_it() {
        slot.reported(new CapacityReport(100, 10, MINUTE, MINUTE), 0);

        slot.started(30);

        assertThat(slot.remainingTokens(1)).isEqualTo(70);
        assertThat(slot.remainingRequests(1)).isEqualTo(9);
    }

    @Test
    void a_report_arriving_while_others_are_in_flight_does_not_forget_them() {
        // given two attempts in flight, the first answered with a report written before the second arrived
        slot.started(30);
        slot.started(30);
        slot.ended(30);

        slot.reported(new CapacityReport(70, 9, MINUTE, MINUTE), 5);

        // then the second is still taken off: 40 tokens and 8 requests, not the 70 and 9 reported
        assertThat(slot.remainingTokens(6)).isEqualTo(40);
        assertThat(slot.remainingRequests(6)).isEqualTo(8);
        assertThat(slot.cannotFit(41, 6)).isTrue();
        assertThat(slot.cannotFit(40, 6)).isFalse();
    }

    @Test
    void once_nothing_is_in_flight_a_report_is_taken_as_it_is_and_holds_until_its_reset() {
        slot.started(30);
        slot.ended(30);

        slot.reported(new CapacityReport(70, 9, Duration.ofNanos(100), MINUTE), 0);

        assertThat(slot.remainingTokens(99)).isEqualTo(70);
        assertThat(slot.remainingTokens(100)).isEqualTo(CapacityReport.UNKNOWN);
        assertThat(slot.inFlight()).isZero();
    }

    @Test
    void a_start_that_must_fit_takes_the_room_or_nothing() {
        slot.reported(new CapacityReport(100, 2, MINUTE, MINUTE), 0);

        assertThat(slot.tryStart(60, 1)).isTrue();
        assertThat(slot.tryStart(60, 1)).as("40 tokens left").isFalse();
        assertThat(slot.tryStart(40, 1)).isTrue();
        assertThat(slot.tryStart(0, 1)).as("no request left").isFalse();

        assertThat(slot.remainingTokens(1)).isZero();
        assertThat(slot.remainingRequests(1)).isZero();
        assertThat(slot.inFlight()).as("only the two that fitted").isEqualTo(2);
    }

    @Test
    void a_start_cancelled_before_its_call_gives_its_room_back() {
        slot.reported(new CapacityReport(100, 10, MINUTE, MINUTE), 0);
        assertThat(slot.tryStart(60, 1)).isTrue();

        slot.cancelled(60);

        assertThat(slot.remainingTokens(1)).isEqualTo(100);
        assertThat(slot.remainingRequests(1)).isEqualTo(10);
        assertThat(slot.inFlight()).isZero();
        assertThat(slot.tryStart(100, 1)).isTrue();
    }

    @Test
    void a_report_past_its_reset_does_not_refuse_a_start() {
        slot.reported(new CapacityReport(10, 0, Duration.ofNanos(100), Duration.ofNanos(100)), 0);

        assertThat(slot.tryStart(60, 99)).isFalse();
        assertThat(slot.tryStart(60, 100)).isTrue();
    }

    @Test
    void a_report_stored_while_a_start_is_pending_is_not_given_its_room_twice() {
        // given a start counted in flight, then a report written after the deployment counted it
        slot.reported(new CapacityReport(100, 10, MINUTE, MINUTE), 0);
        assertThat(slot.tryStart(30, 1)).isTrue();
        slot.reported(new CapacityReport(70, 9, MINUTE, MINUTE), 2);

        // when the start is cancelled after all
        slot.cancelled(30);

        // then its room comes back once: never above what the report said is left
        assertThat(slot.remainingTokens(3)).isLessThanOrEqualTo(70);
        assertThat(slot.remainingRequests(3)).isLessThanOrEqualTo(9);
    }

    @Test
    void an_answer_arriving_after_a_later_attempts_answer_does_not_raise_the_figure() {
        // given two attempts in flight, started at 10 and 20; the deployment charged the first (70
        // left), then the second (40 left), but the second's answer arrives first
        slot.reported(new CapacityReport(100, 10, MINUTE, MINUTE), 0);
        assertThat(slot.tryStart(30, 10)).isTrue();
        assertThat(slot.tryStart(30, 20)).isTrue();
        slot.answered(new CapacityReport(40, 8, MINUTE, MINUTE), 20, 30, 30);
        slot.ended(30);

        // when the first attempt's older answer arrives
        slot.answered(new CapacityReport(70, 9, MINUTE, MINUTE), 10, 30, 31);
        slot.ended(30);

        // then what the second said is kept (less the first, in flight when it was stored): never 70
        assertThat(slot.remainingTokens(32)).isEqualTo(10);
        assertThat(slot.remainingRequests(32)).isEqualTo(7);
    }

    @Test
    void an_answer_read_while_its_own_attempt_is_in_flight_does_not_take_that_attempt_off() {
        slot.reported(new CapacityReport(100, 10, MINUTE, MINUTE), 0);
        assertThat(slot.tryStart(30, 1)).isTrue();

        slot.answered(new CapacityReport(70, 9, MINUTE, MINUTE), 1, 30, 2);
        slot.ended(30);

        assertThat(slot.remainingTokens(3)).isEqualTo(70);
        assertThat(slot.remainingRequests(3)).isEqualTo(9);
    }

    @Test
    void an_answer_of_an_earlier_attempt_counted_later_is_kept_over_a_later_attempts_older_answer() {
        // given two attempts started at 10 and 20 whose requests crossed on the way: the deployment
        // charged the second first (70 left), then the first (40 left), and the first's answer came back first
        slot.reported(new CapacityReport(100, 10, MINUTE, MINUTE), 0);
        assertThat(slot.tryStart(30, 10)).isTrue();
        assertThat(slot.tryStart(30, 20)).isTrue();
        slot.answered(new CapacityReport(40, 8, MINUTE, MINUTE), 10, 30, 30);
        slot.ended(30);

        // when the second attempt's answer, written before the first was counted, arrives
        slot.answered(new CapacityReport(70, 9, MINUTE, MINUTE), 20, 30, 31);
        slot.ended(30);

        // then the lower figure of the same window is kept (less the second, in flight when it was
        // stored): the deployment has 40 left, never 70
        assertThat(slot.remainingTokens(32)).isEqualTo(10);
        assertThat(slot.remainingRequests(32)).isEqualTo(7);
    }

    @Test
    void an_answer_of_a_window_that_has_given_way_to_a_later_one_is_dropped() {
        long second = 1_000_000_000L;
        // given a 2 s window spent down to its last 30 tokens, ending at 1 s
        slot.reported(new CapacityReport(30, CapacityReport.UNKNOWN, Duration.ofSeconds(1), MINUTE), 0);
        // and two attempts in flight across its end: the first reached the deployment after it (a new
        // window, 170 left until 3 s), the second just before it (nothing left, 1 ms to go)
        assertThat(slot.tryStart(30, second - 2)).isTrue();
        assertThat(slot.tryStart(0, second - 1)).isTrue();
        slot.answered(new CapacityReport(170, CapacityReport.UNKNOWN, Duration.ofSeconds(2), MINUTE), second - 2, 30, second);
        slot.ended(30);

        // when the second's answer, of the window already over, arrives after
        slot.answered(new CapacityReport(0, CapacityReport.UNKNOWN, Duration.ofMillis(1), MINUTE), second - 1, 0, second + 1);
        slot.ended(0);

        // then the new window's figure is kept to its own end: not the old one's, which would expire
        // at once and leave the deployment unlimited while the new window is being spent
        assertThat(slot.remainingTokens(second + 2_000_000)).isEqualTo(170);
        assertThat(slot.cannotFit(171, 2 * second)).isTrue();
        assertThat(slot.remainingTokens(3 * second)).isEqualTo(CapacityReport.UNKNOWN);
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageOutcome;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 13, Requirement 1.4 (balancing inside a priority group, the {@code latency} strategy): two
 * primaries answering in 20 ms; one is slowed to 300 ms, then recovers.
 *
 * <p>Proves, from the deployment each caller was served by and when it sent its request, over
 * windows of 40 consecutive requests: once one primary is slowed, most traffic leaves it within a
 * second (its share of every later window at most a quarter, of the whole phase after the shift at
 * most 15 %: what is left is the strategy's exploration); once it recovers, the exploring picks
 * measure it again and it takes a real share back within three seconds (a quarter of a window, and
 * at least a tenth of the requests sent after the three seconds, twice what exploration alone gives). No request fails in any phase: a slow deployment is
 * avoided, not given up on.
 */
@DisplayName("Scenario 13: latency strategy — traffic leaves a slowed primary within 1 s and returns after recovery")
class LatencyShiftTest {

    static final String FAST = "economy-eastus2";
    static final String SLOWED = "economy-eastus";
    static final Duration NORMAL = Duration.ofMillis(20);
    static final Duration SLOW = Duration.ofMillis(300);
    /** Shares are read over this many consecutive requests (in the order they were sent). */
    static final int WINDOW = 40;
    /** Most traffic has moved away once no later window sends the slowed primary more than this share. */
    static final double AWAY = 0.25;
    static final Duration SHIFT_BOUND = Duration.ofSeconds(1);
    static final Duration RETURN_BOUND = Duration.ofSeconds(3);

    FakeDeployment slowed;
    FakeDeployment fast;
    ChaosGateway gateway;

    @BeforeEach
    void start() {
        slowed = FakeDeployment.start(SLOWED, ChaosGateway.MODEL).slow(NORMAL);
        fast = FakeDeployment.start(FAST, ChaosGateway.MODEL).slow(NORMAL);
        gateway = ChaosGateway.builder()
                .deployment(SLOWED, "eastus", "primary", slowed)
                .deployment(FAST, "eastus2", "primary", fast)
                .balancing("latency")
                .start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        slowed.close();
        fast.close();
    }

    @Test
    void traffic_leaves_a_slowed_primary_and_comes_back() {
        LoadDriver driver = new LoadDriver(LoadDriver.newClient());
        int clients = ChaosScale.clients(4);
        int cap = ChaosScale.requests(100_000);

        // given both primaries at 20 ms
        LoadReport before = driver.run("13 both fast", clients, cap, ChaosScale.duration(Duration.ofSeconds(2)),
                i -> gateway.chat());
        // when one is slowed to 300 ms
        slowed.slow(SLOW);
        LoadReport whileSlow = driver.run("13 one slowed", clients, cap, ChaosScale.duration(Duration.ofSeconds(4)),
                i -> gateway.chat());
        // and recovers
        slowed.slow(NORMAL);
        LoadReport after = driver.run("13 recovered", clients, cap, ChaosScale.duration(Duration.ofSeconds(5)),
                i -> gateway.chat());

        for (LoadReport phase : List.of(before, whileSlow, after)) {
            assertThat(phase.succeeded()).as(phase.summary()).isEqualTo(phase.requests());
            assertThat(phase.servedBy().keySet()).as(phase.summary()).containsOnly(SLOWED, FAST);
        }
        // then most traffic left the slowed primary within the bound, and stayed away
        Duration shift = firstFromWhichEveryWindow(whileSlow, s -> s <= AWAY);
        assertThat(shift).as("time until the slowed primary's share of every %s requests stayed ≤ %s", WINDOW, AWAY)
                .isLessThanOrEqualTo(SHIFT_BOUND);
        double afterShift = share(whileSlow, shift);
        assertThat(afterShift).as("share of the slowed primary after the shift").isLessThanOrEqualTo(0.15);
        // and came back once it recovered
        Duration returned = firstWindow(after, s -> s >= AWAY);
        assertThat(returned).as("time until the recovered primary had %s of %s requests again", AWAY, WINDOW)
                .isLessThanOrEqualTo(RETURN_BOUND);
        double recovered = share(after, RETURN_BOUND);
        // chosen again on its latency, not only by exploration (which alone would give it 5 %)
        assertThat(recovered).as("share of the recovered primary after %s", RETURN_BOUND).isGreaterThanOrEqualTo(0.1);
        // one SUCCESS record per request, each at the deployment that answered
        long requests = before.requests() + whileSlow.requests() + after.requests();
        var records = Accounting.awaitRecords(gateway, requests);
        assertThat(records).hasSize((int) requests)
                .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(UsageOutcome.SUCCESS));
        assertThat((long) records.size()).isEqualTo(slowed.successfulCalls() + fast.successfulCalls());

        double p99 = Math.max(before.p99Millis(), Math.max(whileSlow.p99Millis(), after.p99Millis()));
        Scorecard.add(new Scorecard.Row("13 latency strategy, one primary slowed 20 → 300 ms → 20 ms", requests,
                1.0, "100 %", p99, 0, "0 (slow is not a failure)",
                records.size() + " SUCCESS = " + records.size() + " upstream 200s", "-",
                String.format(Locale.ROOT, "slowed primary's share: %.0f %% before, %.0f %% after the shift "
                                + "(moved in %d ms, bound %d), %.0f %% after recovery (back in %d ms, bound %d)",
                        share(before, Duration.ZERO) * 100, afterShift * 100, shift.toMillis(), SHIFT_BOUND.toMillis(),
                        recovered * 100, returned.toMillis(), RETURN_BOUND.toMillis())));
    }

    /**
     * The send time, from the phase's start, of the first request from which every window of
     * {@link #WINDOW} consecutive requests sends the slowed primary a share that {@code holds}.
     */
    private static Duration firstFromWhichEveryWindow(LoadReport phase, DoublePredicate holds) {
        List<LoadDriver.Result> sent = bySendTime(phase);
        int first = sent.size();
        for (int i = sent.size() - WINDOW; i >= 0 && holds.test(share(sent, i)); i--) {
            first = i;
        }
        return first == sent.size() ? phase.elapsed() : sinceStart(sent, first);
    }

    /** The send time of the last request of the first window whose share {@code holds}; the phase's length if none. */
    private static Duration firstWindow(LoadReport phase, DoublePredicate holds) {
        List<LoadDriver.Result> sent = bySendTime(phase);
        for (int i = 0; i + WINDOW <= sent.size(); i++) {
            if (holds.test(share(sent, i))) {
                return sinceStart(sent, i + WINDOW - 1);
            }
        }
        return phase.elapsed();
    }

    private static List<LoadDriver.Result> bySendTime(LoadReport phase) {
        return phase.results().stream().sorted(Comparator.comparingLong(LoadDriver.Result::startNanos)).toList();
    }

    private static Duration sinceStart(List<LoadDriver.Result> sent, int i) {
        return Duration.ofNanos(sent.get(i).startNanos() - sent.get(0).startNanos());
    }

    /** The slowed primary's share of the window of {@link #WINDOW} requests starting at {@code from}. */
    private static double share(List<LoadDriver.Result> sent, int from) {
        return (double) sent.subList(from, from + WINDOW).stream()
                .filter(r -> SLOWED.equals(r.header("x-router-deployment"))).count() / WINDOW;
    }

    /** The slowed primary's share of the requests sent from {@code from} after the phase began. */
    private static double share(LoadReport phase, Duration from) {
        long start = phase.results().stream().mapToLong(LoadDriver.Result::startNanos).min().orElse(0);
        var sent = phase.results().stream().filter(r -> r.startNanos() - start >= from.toNanos()).toList();
        return sent.isEmpty() ? 0 : (double) sent.stream()
                .filter(r -> SLOWED.equals(r.header("x-router-deployment"))).count() / sent.size();
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageOutcome;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 4, Requirements 1.4 and 1.5 (timeouts and the request deadline): a primary that answers
 * only after 3 s, almost four times the attempt timeout (800 ms).
 *
 * <p>Proves: each request that tries the primary gives up on it at the attempt timeout — not at the
 * primary's 3 s — and is served by the secondary well within the request deadline; timeouts count
 * against the breaker, which opens, after which requests skip the primary and are served at the
 * secondary's own speed.
 */
@DisplayName("Scenario 4: primary slower than the attempt timeout — served by the next deployment within the deadline")
class SlowPrimaryTest {

    static final Duration PRIMARY_DELAY = Duration.ofMillis(3_000);
    /** 800 ms per attempt, 5 s per request. */
    static final ChaosGateway.Retry RETRY = new ChaosGateway.Retry(1, Duration.ofMillis(5), Duration.ofMillis(20),
            Duration.ofSeconds(5), Duration.ofMillis(800), Duration.ofMillis(800));

    Fleet fleet;
    ChaosGateway gateway;

    @BeforeEach
    void start() {
        fleet = Fleet.primaryAndSecondary();
        gateway = fleet.gateway().retry(RETRY).start();
        fleet.add(gateway);
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    @Test
    void requests_move_on_at_the_attempt_timeout() {
        Duration attemptTimeout = gateway.retry().attemptTimeout();
        Duration deadline = gateway.retry().requestDeadline();
        fleet.primary.slow(PRIMARY_DELAY);

        LoadReport report = new LoadDriver(LoadDriver.newClient()).run("4 slow primary", ChaosScale.clients(4),
                ChaosScale.requests(40), Duration.ofSeconds(30), i -> gateway.chat());

        // every request served, by the secondary, within the deadline
        assertThat(report.succeeded()).as(report.summary()).isEqualTo(report.requests());
        assertThat(report.servedBy()).containsOnlyKeys(Fleet.SECONDARY);
        assertThat(report.latencyMillis(1.0)).isLessThan(deadline.toMillis());
        // those that tried the primary gave up on it at the attempt timeout, not at its 3 s
        var timedOut = report.results().stream().filter(r -> LoadReport.attempts(r) == 2).toList();
        assertThat(timedOut).isNotEmpty().allSatisfy(r -> assertThat(r.latencyNanos() / 1e6)
                .isGreaterThanOrEqualTo(attemptTimeout.toMillis() - 5)
                .isLessThan(PRIMARY_DELAY.toMillis() - 500));
        // the timeouts opened the breaker; later requests skipped the primary
        assertThat(gateway.transitions(Fleet.PRIMARY)).containsEntry("closed->open", 1L);
        long skipped = report.count(r -> LoadReport.attempts(r) == 1);
        assertThat(skipped).isPositive();
        // usage: every request SUCCESS at the secondary, one record each
        var records = Accounting.awaitRecords(gateway, report.requests());
        assertThat(records).hasSize(report.requests())
                .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(UsageOutcome.SUCCESS))
                .allSatisfy(r -> assertThat(r.deployment()).isEqualTo(Fleet.SECONDARY));
        assertThat((long) records.size()).isEqualTo(fleet.secondary.successfulCalls());
        Accounting.assertNoRequestRecordedTwice(records);

        Scorecard.add(new Scorecard.Row("4 primary slower than the attempt timeout", report.requests(),
                report.successRate(), "100 %", report.p99Millis(), report.fallbacks(Fleet.PRIMARY),
                gateway.transitions(Fleet.PRIMARY).toString(),
                records.size() + " SUCCESS = " + fleet.secondary.successfulCalls() + " secondary 200s", "-",
                timedOut.size() + " timed out at " + attemptTimeout.toMillis() + " ms (primary answers at "
                        + PRIMARY_DELAY.toMillis() + " ms); max latency "
                        + String.format(java.util.Locale.ROOT, "%.0f", report.latencyMillis(1.0)) + " ms < deadline "
                        + deadline.toMillis() + " ms"));
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2, Requirement 1.5: a primary that answers every call with 429 and a retry-after, in
 * Azure's {@code retry-after-ms} form and in the HTTP {@code Retry-After} (seconds) form.
 *
 * <p>Proves from WireMock's request journal, matched by request id to when each caller sent its request
 * and had its answer: no request sent after a 429 was known to the gateway reaches the throttled
 * deployment before that 429's arrival plus the retry-after; the deployment is called again once it has
 * passed (honoured, not abandoned); every request is served by the secondary meanwhile; and a 429 is
 * no evidence of ill health: the primary's breaker stays closed.
 */
@DisplayName("Scenario 2: 429 with retry-after — no call before that time, all served, breaker closed")
class ThrottlingTest extends PrimaryAndSecondaryScenario {

    @Test
    void retry_after_ms_is_honoured() {
        run("2a 429 retry-after-ms 400", Duration.ofMillis(400), Behaviour.RetryAfterStyle.MILLIS,
                ChaosScale.duration(Duration.ofMillis(1_700)));
    }

    @Test
    void retry_after_seconds_is_honoured() {
        run("2b 429 Retry-After 1 s", Duration.ofSeconds(1), Behaviour.RetryAfterStyle.SECONDS,
                ChaosScale.duration(Duration.ofMillis(2_600)));
    }

    private void run(String scenario, Duration retryAfter, Behaviour.RetryAfterStyle style, Duration length) {
        // given a primary that throttles every call
        fleet.primary.throttled(retryAfter, style);

        // when callers keep sending for a while
        LoadReport report = new LoadDriver(LoadDriver.newClient()).run(scenario, ChaosScale.clients(4),
                ChaosScale.requests(100_000), length, i -> gateway.chat());

        // then every request was served
        assertThat(report.succeeded()).as(report.summary()).isEqualTo(report.requests());
        // and the journal shows no call inside any cooldown. A call X answered 429 at the primary was known
        // to the gateway by the time X's caller had its answer (the gateway went on to the secondary);
        // any request sent after that must not reach the primary before X's arrival + retry-after.
        Map<String, LoadDriver.Result> byId = report.results().stream().filter(r -> r.header("x-request-id") != null)
                .collect(java.util.stream.Collectors.toMap(r -> r.header("x-request-id"), r -> r));
        List<FakeDeployment.Arrival> arrivals = fleet.primary.arrivals();
        assertThat(arrivals).allSatisfy(a -> assertThat(byId).containsKey(a.requestId()));
        for (FakeDeployment.Arrival x : arrivals) {
            LoadDriver.Result rx = byId.get(x.requestId());
            Instant known = rx.sentAt().plusNanos(rx.latencyNanos());
            Instant coolUntil = x.at().plus(retryAfter).minusMillis(1); // the journal keeps milliseconds
            for (FakeDeployment.Arrival y : arrivals) {
                if (byId.get(y.requestId()).sentAt().isAfter(known)) {
                    assertThat(y.at()).as("request %s sent after the 429 to %s was known reached the primary "
                            + "inside its cooldown", y.requestId(), x.requestId()).isAfterOrEqualTo(coolUntil);
                }
            }
        }
        // honoured, not abandoned: the primary is tried again once each cooldown is over, promptly under load
        int rounds = 1;
        Duration longest = Duration.ZERO;
        for (int i = 1; i < arrivals.size(); i++) {
            Duration gap = Duration.between(arrivals.get(i - 1).at(), arrivals.get(i).at());
            if (gap.compareTo(retryAfter.minusMillis(1)) >= 0) {
                assertThat(gap).isLessThan(retryAfter.plusSeconds(1));
                longest = longest.compareTo(gap) < 0 ? gap : longest;
                rounds++;
            }
        }
        long expectedRounds = length.toMillis() / (retryAfter.toMillis() + 1_000);
        assertThat(rounds).as("the primary was tried again after each cooldown: %s", arrivals)
                .isGreaterThanOrEqualTo((int) Math.max(2, expectedRounds));
        int bursts = rounds;
        assertThat(fleet.primary.successfulCalls()).isZero();
        // a 429 is not a health failure
        ChaosGateway.DeploymentView primary = gateway.deployment(Fleet.PRIMARY);
        assertThat(primary.breaker()).isEqualTo("closed");
        assertThat(primary.recentFailures()).isZero();
        assertThat(gateway.transitions(Fleet.PRIMARY)).isEmpty();
        // one record per request, the successes matching the secondary's answers
        var records = Accounting.awaitRecords(gateway, report.requests());
        Accounting.assertSuccessesMatchUpstream(records, fleet);

        Scorecard.add(new Scorecard.Row(scenario, report.requests(), report.successRate(), "100 %",
                report.p99Millis(), report.fallbacks(Fleet.PRIMARY), "0 (429 is not a failure)",
                records.size() + " SUCCESS = " + fleet.successfulCalls() + " upstream 200s", "-",
                arrivals.size() + " calls to the primary in " + bursts + " rounds, each ≥ " + retryAfter.toMillis()
                        + " ms after the last 429 (longest gap " + longest.toMillis() + " ms)"));
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 1, Requirements 1.4 and 6.1–6.5 under load: the primary answers 503 until it recovers.
 *
 * <p>Proves, with concurrent callers and real time: every request is served (by the secondary while
 * the primary is down); the primary's breaker opens once its window holds the minimum number of calls;
 * while open no call reaches the primary (WireMock's journal); it half-opens when the open duration
 * has passed and not before; once the primary has recovered the probes close it; and
 * {@code /admin/deployments} and {@code /metrics} show each of the three transitions exactly once.
 */
@DisplayName("Scenario 1: primary 503 — served by the secondary, breaker opens, half-opens on schedule, closes")
class PrimaryOutageTest extends PrimaryAndSecondaryScenario {

    @Test
    void breaker_cycles_once_and_every_request_is_served() {
        int clients = ChaosScale.clients(4);
        Duration openDuration = gateway.breakers().openDuration();
        int minimumCalls = gateway.breakers().minimumCalls();
        LoadDriver driver = new LoadDriver(LoadDriver.newClient());

        // given a primary that answers 503
        fleet.primary.unavailable();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<LoadReport> load = driver.start("1 primary 503", clients, ChaosScale.requests(5_000),
                Duration.ofSeconds(30), i -> gateway.chat(), stop::get);

        // when the breaker opens, the primary recovers (before the open duration is over)
        ChaosGateway.DeploymentView opened = Eventually.awaitValue(Duration.ofSeconds(10), "primary breaker open",
                () -> java.util.Optional.of(gateway.deployment(Fleet.PRIMARY)).filter(v -> v.breaker().equals("open")));
        Instant recoveredAt = Instant.now();
        fleet.primary.healthy();
        // and traffic goes on until the breaker has closed again
        Duration toClose = Eventually.await(Duration.ofSeconds(10), "primary breaker closed again",
                () -> gateway.breaker(Fleet.PRIMARY).equals("closed"));
        // a little more traffic on the closed breaker, then stop
        int closedAt = fleet.primary.requestCount();
        Eventually.await(Duration.ofSeconds(5), "primary serving again",
                () -> fleet.primary.requestCount() >= closedAt + 10);
        stop.set(true);
        LoadReport report = load.join();

        // then every request was served
        assertThat(report.succeeded()).as(report.summary()).isEqualTo(report.requests());
        assertThat(report.requests()).isGreaterThan(20);

        // the breaker opened after its minimum calls (plus at most the requests already in flight)
        Instant openUntil = opened.openUntil().orElseThrow();
        Instant openedAt = openUntil.minus(openDuration);
        long failuresSeen = fleet.primary.answersOf(FakeDeployment.Kind.ERROR_STATUS);
        assertThat(failuresSeen).isBetween((long) minimumCalls, (long) minimumCalls + clients - 1);
        List<FakeDeployment.Arrival> calls = fleet.primary.arrivals();
        assertThat(openedAt).as("opened only once the minimum calls had reached the primary")
                .isAfterOrEqualTo(calls.get(minimumCalls - 1).at().minusMillis(1));

        // while open, no request sent after the opening reached the primary (WireMock's journal, matched to
        // the callers' send times by request id; requests already in flight at the opening may still arrive)
        Map<String, LoadDriver.Result> byId = report.results().stream().filter(r -> r.header("x-request-id") != null)
                .collect(java.util.stream.Collectors.toMap(r -> r.header("x-request-id"), r -> r));
        Instant settled = openedAt.plusMillis(5);
        List<FakeDeployment.Arrival> sentAfterOpening = fleet.primary.arrivals().stream()
                .filter(a -> byId.containsKey(a.requestId()) && byId.get(a.requestId()).sentAt().isAfter(settled))
                .toList();
        List<FakeDeployment.Arrival> duringOpen = sentAfterOpening.stream()
                .filter(a -> a.at().isBefore(openUntil.minusMillis(1))).toList(); // the journal keeps milliseconds
        assertThat(duringOpen).as("calls to the primary while its breaker was open (opened %s, open until %s)",
                openedAt, openUntil).isEmpty();
        // it half-opened on schedule: the first such call came once the open duration had passed, promptly
        Instant firstProbe = sentAfterOpening.get(0).at();
        assertThat(firstProbe).isAfterOrEqualTo(openUntil.minusMillis(1)).isBefore(openUntil.plusMillis(250));
        assertThat(recoveredAt).isBefore(openUntil);

        // each transition exactly once, in /metrics and /admin/deployments
        Map<String, Long> transitions = gateway.transitions(Fleet.PRIMARY);
        assertThat(transitions).containsExactlyInAnyOrderEntriesOf(
                Map.of("closed->open", 1L, "open->half_open", 1L, "half_open->closed", 1L));
        ChaosGateway.DeploymentView after = gateway.deployment(Fleet.PRIMARY);
        assertThat(after.breaker()).isEqualTo("closed");
        assertThat(after.transitions()).isEqualTo(3);
        assertThat(gateway.metrics().sum("llm_router_breaker_state", Map.of("deployment", Fleet.PRIMARY))).isZero();
        assertThat(gateway.transitions(Fleet.SECONDARY)).isEmpty();

        // every 503 cost one fallback, no more; usage: one SUCCESS per complete upstream answer
        assertThat(report.count(r -> LoadReport.attempts(r) == 2)).isEqualTo(failuresSeen);
        var records = Accounting.awaitRecords(gateway, report.requests());
        assertThat(records).hasSize(report.requests());
        Accounting.assertSuccessesMatchUpstream(records, fleet);

        Scorecard.add(new Scorecard.Row("1 primary 503 then recovers", report.requests(), report.successRate(),
                "100 %", report.p99Millis(), report.fallbacks(Fleet.PRIMARY),
                "3 (closed→open→half_open→closed, each once; closed " + toClose.toMillis() + " ms after recovery)",
                records.size() + " SUCCESS = " + fleet.successfulCalls() + " upstream 200s", "-",
                "fallback serves all; breaker opens at min calls, no call while open, half-opens at " + openDuration.toMillis()
                        + " ms"));
    }
}

package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 6, Requirements 1.4 and 6.1–6.5 under sustained load: a flapping primary (40 % of calls
 * answered 503, seeded) behind 16 concurrent callers, with a healthy secondary.
 *
 * <p>Proves: 100 % of requests succeed; every primary failure cost exactly one fallback (the
 * callers' {@code x-router-attempts} and the deployment's journal agree, and {@code llm_router_fallbacks}
 * counts one given-up primary per answer from the secondary);
 * the breaker's transitions at {@code /metrics} form one valid walk of the state machine ending in the
 * state {@code /admin/deployments} shows, with no more openings than failures; and the usage records
 * match the upstream successes one for one.
 */
@DisplayName("Scenario 6: flapping primary under sustained load — 100 % success, breaker events consistent")
class FlappingPrimaryTest extends PrimaryAndSecondaryScenario {

    @Test
    void all_served_and_breaker_walk_matches_outcomes() {
        fleet.primary.flapping(0.4, 20261126L);

        LoadReport report = new LoadDriver(LoadDriver.newClient()).run("6 flapping primary", ChaosScale.clients(16),
                ChaosScale.requests(800), ChaosScale.duration(Duration.ofSeconds(30)), i -> gateway.chat());

        assertThat(report.succeeded()).as(report.summary()).isEqualTo(report.requests());
        long primaryFailures = fleet.primary.answersOf(FakeDeployment.Kind.ERROR_STATUS);
        assertThat(primaryFailures).isPositive();
        // each primary failure is one fallback, seen alike by callers, the journal and the metrics
        assertThat(report.count(r -> LoadReport.attempts(r) == 2)).isEqualTo(primaryFailures);
        assertThat(report.count(r -> LoadReport.attempts(r) > 2)).isZero();
        // llm_router_fallbacks counts the deployments given up before the one that answered: failed or skipped
        long servedBySecondary = report.servedBy().getOrDefault(Fleet.SECONDARY, 0L);
        assertThat((long) gateway.metrics().sum("llm_router_fallbacks_total", Map.of())).isEqualTo(servedBySecondary);
        // the breaker's transitions are one valid walk, ending where the operator view says
        String stateBefore = gateway.breaker(Fleet.PRIMARY);
        BreakerLedger walk = BreakerLedger.of(gateway.transitions(Fleet.PRIMARY));
        String stateAfter = gateway.breaker(Fleet.PRIMARY);
        if (stateBefore.equals(stateAfter)) {
            assertThat(walk.endState()).isEqualTo(stateAfter);
        }
        assertThat(walk.opened()).isLessThanOrEqualTo(primaryFailures);
        assertThat(gateway.deployment(Fleet.PRIMARY).transitions()).isEqualTo(walk.total());
        // calls that skipped the primary happened only if its breaker ever opened
        long skippedPrimary = report.count(r -> LoadReport.attempts(r) == 1
                && Fleet.SECONDARY.equals(r.header("x-router-deployment")));
        assertThat(skippedPrimary > 0).isEqualTo(walk.opened() > 0);
        // usage: one SUCCESS per upstream success, charged once
        var records = Accounting.awaitRecords(gateway, report.requests());
        assertThat(records).hasSize(report.requests());
        Accounting.assertSuccessesMatchUpstream(records, fleet);

        Scorecard.add(new Scorecard.Row("6 flapping primary (40 % 503), " + ChaosScale.clients(16) + " clients", report.requests(),
                report.successRate(), "100 %", report.p99Millis(), report.fallbacks(Fleet.PRIMARY),
                walk.total() + " (" + walk + ")",
                records.size() + " SUCCESS = " + fleet.successfulCalls() + " upstream 200s", "-",
                primaryFailures + " primary 503s = " + primaryFailures + " fallbacks; " + skippedPrimary
                        + " requests skipped the open breaker"));
    }
}

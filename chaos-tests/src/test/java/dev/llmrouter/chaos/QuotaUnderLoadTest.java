package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 10, Requirements 5.1 and 5.4, Properties 15 and 17 under real concurrency: 64 callers of one
 * account with a tight monthly cost quota, against a primary that resets 30 % of its connections and a
 * secondary that answers 15 % of its calls with 503 (a healthy disaster-recovery deployment behind).
 *
 * <p>Proves: callers are served or refused for quota (at most 1 % run out of time on an overloaded
 * machine, charged nothing); settled spend never exceeds the quota (the usage records' total), and nothing is left
 * reserved or charged beyond the records once the load is over (the answers bought under load plus
 * those the account can still buy equal what a control account on the same plan can buy); the quota
 * really bit
 * (callers got 429 insufficient_quota, and those requests never reached a deployment); usage records
 * with outcome SUCCESS equal the successful upstream calls in the deployments' journals, one each, at
 * the deployment that answered; every 200 has exactly one record, charged one answer's price even when
 * it was served after a fallback.
 */
@DisplayName("Scenario 10: 64 clients, faults and a tight quota — never overspent, nothing lost or double counted")
class QuotaUnderLoadTest {

    /** About 300 answers' worth at scale 1; the quota grows with the traffic, so a soak run spends it too. */
    static final Money QUOTA = Money.ofUsd("0.002").times(ChaosScale.factor());

    Fleet fleet;
    ChaosGateway gateway;

    @BeforeEach
    void start() {
        fleet = Fleet.withDisasterRecovery();
        gateway = fleet.gateway().costQuota(QUOTA.toUsdString()).start();
        fleet.add(gateway);
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    @Test
    void quota_holds_and_every_success_is_recorded_once() {
        Money limit = QUOTA;
        fleet.primary.flapping(0.3, 11L, new Behaviour.Broken(Fault.CONNECTION_RESET_BY_PEER));
        fleet.secondary.flapping(0.15, 13L, Behaviour.unavailable());

        LoadReport report = new LoadDriver(LoadDriver.newClient()).run("10 quota under load", ChaosScale.clients(64),
                // enough requests to spend the quota several times over
                ChaosScale.requests(1_200), ChaosScale.duration(Duration.ofSeconds(60)), i -> gateway.chat());

        // callers: served or refused for quota. On a 2-core machine, 64 callers and more can starve a few
        // requests past their attempt timeouts on every deployment (exhausted: 502/503/504); at most 1 %
        // may, and those are charged nothing (below)
        var exhausted = report.results().stream().filter(r -> r.status() != 200 && r.status() != 429).toList();
        assertThat(exhausted).as(report.summary()).hasSizeLessThanOrEqualTo(report.requests() / 100)
                .allSatisfy(r -> assertThat(r.status()).isIn(502, 503, 504));
        var refused = report.results().stream().filter(r -> r.status() == 429).toList();
        assertThat(refused).as("the quota bit").isNotEmpty()
                .allSatisfy(r -> assertThat(r.body()).contains("insufficient_quota"));
        // usage records: every SUCCESS is one upstream success, at the deployment that answered, charged once
        var records = Accounting.awaitRecords(gateway, report.succeeded());
        Accounting.assertSuccessesMatchUpstream(records, fleet);
        assertThat(Accounting.count(records, UsageOutcome.SUCCESS)).isEqualTo(report.succeeded());
        Map<String, UsageRecord> byId = records.stream()
                .collect(Collectors.toMap(UsageRecord::requestId, Function.identity()));
        assertThat(report.results().stream().filter(LoadDriver.Result::ok)).allSatisfy(r -> {
            UsageRecord rec = byId.get(r.header("x-request-id"));
            assertThat(rec).as("record of %s", r.header("x-request-id")).isNotNull();
            assertThat(rec.outcome()).isEqualTo(UsageOutcome.SUCCESS);
            assertThat(rec.deployment()).isEqualTo(r.header("x-router-deployment"));
        });
        assertThat(exhausted).allSatisfy(r -> {
            UsageRecord rec = byId.get(r.header("x-request-id"));
            if (rec != null) { // it reached a deployment
                assertThat(rec.outcome()).isEqualTo(UsageOutcome.EXHAUSTED);
                assertThat(rec.cost().isZero()).isTrue();
            }
        });
        // refused requests never reached a deployment
        Set<String> reached = fleet.all().stream().flatMap(f -> f.answers().stream())
                .map(FakeDeployment.Answer::requestId).collect(Collectors.toSet());
        assertThat(refused).noneSatisfy(r -> assertThat(reached).contains(r.header("x-request-id")));
        // never overspent: the records' total and the quota store agree, and stay within the limit
        Money spent = Accounting.totalCost(records);
        assertThat(spent.exceeds(limit)).as("spent %s of %s", spent.toUsdString(), limit.toUsdString()).isFalse();
        long upstreamSuccesses = Accounting.receivedSuccesses(records, fleet);
        long abandoned = fleet.successfulCalls() - upstreamSuccesses;
        long successRecords = Accounting.count(records, UsageOutcome.SUCCESS);

        // nothing left reserved, nothing charged beyond the records: once the faults are gone, what the team
        // can still buy plus what it bought equals what the untouched control account can buy
        fleet.all().forEach(FakeDeployment::healthy);
        QuotaProbe.healWithOperatorTraffic(gateway);
        int teamRoom = QuotaProbe.spendUntilRefused(gateway, ChaosGateway.KEY, QuotaProbe.bound(limit));
        int controlRoom = QuotaProbe.spendUntilRefused(gateway, ChaosGateway.CONTROL_KEY, QuotaProbe.bound(limit));
        assertThat(report.succeeded() + teamRoom).as("bought under load + room left vs the control account")
                .isEqualTo(controlRoom);
        Money spentInAll = Accounting.totalCost(gateway.usageRecords());
        assertThat(spentInAll.exceeds(limit)).isFalse();

        Scorecard.add(new Scorecard.Row("10 " + ChaosScale.clients(64) + " clients, faults, tight quota", report.requests(), report.successRate(),
                "200 or 429; ≤ 1 % exhausted (here " + exhausted.size() + ", charged 0)",
                report.p99Millis(), report.fallbacks(Fleet.PRIMARY),
                gateway.metrics().allBreakerTransitions().toString(),
                successRecords + " SUCCESS = " + upstreamSuccesses + " upstream 200s = " + report.succeeded()
                        + " callers' 200s" + (abandoned == 0 ? "" : " (+ " + abandoned + " answered after the attempt timeout)"),
                spent.toUsdString() + " / " + limit.toUsdString() + " USD under load; + " + teamRoom + " after = "
                        + controlRoom + " (control)",
                refused.size() + " refused for quota, none reached a deployment"));
    }
}

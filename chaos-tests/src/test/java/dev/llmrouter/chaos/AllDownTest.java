package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5, Requirements 1.4, 5.1 and 5.4: every deployment of the chain (primary, secondary,
 * disaster recovery) answers 503, for an account with a cost quota.
 *
 * <p>Proves: no request is ever answered 200 or 500; once the breakers have opened, callers get 503
 * with a {@code Retry-After} no later than the breakers' reopening; every quota reservation is
 * released and nothing charged (once the fleet is back, the account can buy exactly as many answers as
 * a control account on the same plan that never saw the outage); the router wrote exactly
 * one usage record per request that reached a deployment — outcome EXHAUSTED, zero tokens, zero cost —
 * and none for requests refused by open breakers.
 */
@DisplayName("Scenario 5: every deployment down — 503 with Retry-After, reservations released, nothing charged")
class AllDownTest {

    static final int CLIENTS = ChaosScale.clients(2);
    /**
     * Room for every caller's reservation at once (a request reserves its worst case, about 24 000
     * nano-dollars here, so the quota never refuses during the outage), yet small enough to measure by
     * spending it: about fourteen answers at scale 1.
     */
    static final Money QUOTA = Money.ofNanos(30_000L * (CLIENTS + 2));

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
    void callers_get_503_with_retry_after_and_nothing_is_charged() {
        fleet.all().forEach(FakeDeployment::unavailable);

        // when callers keep sending until every breaker is open, and a while after
        LoadReport report = new LoadDriver(LoadDriver.newClient()).run("5 all down", CLIENTS,
                ChaosScale.requests(40), Duration.ofSeconds(30), i -> gateway.chat());

        // then nothing was served and nothing answered as an internal error
        assertThat(report.succeeded()).isZero();
        assertThat(report.statuses().keySet()).as(report.summary()).allMatch(s -> s == 502 || s == 503);
        // every breaker opened, and the requests after that got 503 + Retry-After
        assertThat(gateway.deployments().values()).allSatisfy(v -> assertThat(v.breaker()).isIn("open", "half_open"));
        var unavailable = report.results().stream().filter(r -> r.status() == 503).toList();
        assertThat(unavailable).as(report.summary()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.header("Retry-After")).isNotNull();
            long seconds = Long.parseLong(r.header("Retry-After"));
            assertThat(seconds).isBetween(1L, Math.max(1, (gateway.breakers().maxOpenDuration().toMillis() + 999) / 1000));
        });

        long withRetryAfter = report.count(r -> r.header("Retry-After") != null);

        // usage: one EXHAUSTED record, zero tokens and cost, for exactly the requests that reached a deployment
        Set<String> reached = fleet.all().stream().flatMap(f -> f.answers().stream())
                .map(FakeDeployment.Answer::requestId).collect(Collectors.toSet());
        var records = Accounting.awaitRecords(gateway, reached.size());
        assertThat(records).hasSize(reached.size()).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(UsageOutcome.EXHAUSTED);
            assertThat(r.cost().isZero()).isTrue();
            assertThat(r.tokens()).isEqualTo(TokenUsage.NONE);
        });
        assertThat(records.stream().map(UsageRecord::requestId).collect(Collectors.toSet())).isEqualTo(reached);
        assertThat(reached.size()).isLessThan(report.requests()); // the open breakers spared the rest

        // the quota: every reservation released, nothing charged. Once the fleet is back, the team can
        // spend exactly as much as the control account on the same plan, which saw no outage.
        fleet.all().forEach(FakeDeployment::healthy);
        QuotaProbe.healWithOperatorTraffic(gateway);
        int teamRoom = QuotaProbe.spendUntilRefused(gateway, ChaosGateway.KEY, QuotaProbe.bound(QUOTA));
        int controlRoom = QuotaProbe.spendUntilRefused(gateway, ChaosGateway.CONTROL_KEY, QuotaProbe.bound(QUOTA));
        assertThat(teamRoom).as("answers the team could still buy vs the untouched control account")
                .isEqualTo(controlRoom).isPositive();
        assertThat(Accounting.totalCost(records).isZero()).isTrue();

        Scorecard.add(new Scorecard.Row("5 every deployment down", report.requests(), report.successRate(),
                "0 % (503 + Retry-After)", report.p99Millis(), 0,
                gateway.metrics().allBreakerTransitions().size() + " breakers opened",
                records.size() + " EXHAUSTED (cost 0) = " + reached.size() + " requests that reached a deployment",
                "0 / " + QUOTA.toUsdString() + " USD: room for " + teamRoom + " answers after, = control's "
                        + controlRoom,
                "statuses " + report.statuses() + " (" + withRetryAfter + " with Retry-After); no reservation leaked"));
    }
}

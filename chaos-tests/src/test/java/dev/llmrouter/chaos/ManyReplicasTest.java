package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.domain.money.Money;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 15, Requirements 7.2 and 7.3, Property 24 across processes: three gateway replicas (the real
 * jar, each its own process) share one PostgreSQL ledger and one Redis, in front of the same WireMock
 * deployments; 64 callers spread round-robin over the replicas spend one account with a tight monthly
 * quota and a per-minute request limit.
 *
 * <p>Proves, from the ledger as PostgreSQL holds it: the records' spend never passes the quota, to the
 * nano-dollar; no rolling minute holds more admitted requests than the limit; SUCCESS records equal the
 * deployments' complete answers and the callers' 200s, one per request id; and {@code /v1/usage}
 * answers the same, to the byte, from every replica. With one process's limits each replica would admit
 * the whole limit and the whole quota (three times the budget): both bite here at the shared figure.
 */
@DisplayName("Scenario 15 (Requirements 7.2, 7.3, Property 24): three replicas, one Redis, one PostgreSQL — one quota, one rate limit")
class ManyReplicasTest {

    /** Admitted requests per rolling minute, for the whole account across the replicas. */
    static final int REQUESTS_PER_MINUTE = 240;
    /** About 150 answers' worth at scale 1: below the minute's limit, so the quota bites first. */
    static final Money QUOTA = Accounting.COST_OF_ONE_ANSWER.times(150L * ChaosScale.factor());

    @TempDir
    Path dir;
    ReplicaRig rig;
    Fleet fleet;
    Replicas replicas;

    @BeforeEach
    void start() {
        assumeTrue(GatewayProcess.jarBuilt(), "the runnable jar is built by 'package'; run './mvnw verify'");
        rig = ReplicaRig.start(3, dir, g -> g.costQuota(QUOTA.toUsdString()).teamLimits(REQUESTS_PER_MINUTE, 64));
        fleet = rig.fleet;
        replicas = rig.replicas;
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void three_replicas_spend_one_quota_and_one_rate_limit() {
        LoadReport report = new LoadDriver(LoadDriver.newClient()).run("15 three replicas", ChaosScale.clients(64),
                ChaosScale.requests(1_500), ChaosScale.duration(Duration.ofSeconds(30)), replicas::chat);

        // callers: served, or refused for quota or rate; a starved request on a 2-core machine may time out
        var refusedForQuota = report.results().stream()
                .filter(r -> r.status() == 429 && r.body().contains("insufficient_quota")).toList();
        var refusedForRate = report.results().stream()
                .filter(r -> r.status() == 429 && r.body().contains("rate_limit_exceeded")).toList();
        var other = report.results().stream().filter(r -> r.status() != 200 && r.status() != 429).toList();
        assertThat(other).as(report.summary()).hasSizeLessThanOrEqualTo(report.requests() / 100)
                .allSatisfy(r -> assertThat(r.status()).isIn(502, 503, 504));
        assertThat(refusedForQuota).as("the quota bit: " + report.summary()).isNotEmpty();
        assertThat(refusedForRate).as("the rate limit bit: " + report.summary()).isNotEmpty();

        // the ledger, as PostgreSQL holds it, read at once: a record is committed before its answer ends (7.1)
        List<LedgerRows.Row> rows = rig.rows();
        Money spent = LedgerRows.totalCost(rows);
        assertThat(spent.exceeds(QUOTA)).as("spent %s of %s", spent.toUsdString(), QUOTA.toUsdString()).isFalse();
        assertThat(rows).extracting(LedgerRows.Row::requestId).doesNotHaveDuplicates();
        long successes = LedgerRows.count(rows, "SUCCESS");
        assertThat(successes).as("SUCCESS records = upstream complete answers").isEqualTo(fleet.successfulCalls())
                .as("= callers' 200s").isEqualTo(report.succeeded());
        Map<String, LedgerRows.Row> byId = LedgerRows.byRequestId(rows);
        assertThat(report.results().stream().filter(LoadDriver.Result::ok))
                .allSatisfy(r -> assertThat(byId).containsKey(r.header("x-request-id")));

        // the rate limit, from the ledger's admission times (completion minus latency)
        int busiest = LedgerRows.busiestWindow(rows, Duration.ofMinutes(1));
        assertThat(busiest).as("records admitted in the busiest rolling minute").isLessThanOrEqualTo(REQUESTS_PER_MINUTE);
        // and from the callers: within one minute, what surely passed the rate check (served, refused for
        // quota, or failed at a deployment) is at most the limit, over all three replicas together; a 503
        // service_unavailable (a store that did not answer in time on a busy machine) may have been
        // refused by the rate check itself, so it is not counted
        long passedRateCheck = report.count(r -> r.ok() || refusedForQuota.contains(r) || r.status() == 502
                || r.status() == 504);
        if (report.elapsed().compareTo(Duration.ofSeconds(59)) < 0) {
            assertThat(passedRateCheck).as("requests past the rate limit within one minute").isLessThanOrEqualTo(REQUESTS_PER_MINUTE);
        }

        // /v1/usage: the same answer from every replica, and the ledger's total
        Instant monthStart = Instant.now().atZone(java.time.ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant();
        String query = "?group_by=deployment&from=" + monthStart + "&to=" + Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.DAYS);
        List<JsonNode> answers = replicas.usageFromEach(query);
        assertThat(answers).hasSize(3);
        assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(answers.get(0)));
        assertThat(Money.ofUsd(answers.get(0).path("total").path("cost_usd").asText())).isEqualTo(spent);
        assertThat(answers.get(0).path("total").path("requests").asLong()).isEqualTo(rows.size());

        Scorecard.add(new Scorecard.Row("15 three replicas, " + ChaosScale.clients(64) + " clients, one quota and rate limit",
                report.requests(), report.successRate(),
                "200 or 429 (quota, rate); ≤ 1 % 5xx (here " + other.size() + ")", report.p99Millis(),
                report.fallbacks(Fleet.PRIMARY), "-",
                successes + " SUCCESS = " + fleet.successfulCalls() + " upstream = " + report.succeeded() + " callers' 200s",
                spent.toUsdString() + " / " + QUOTA.toUsdString() + " USD; " + passedRateCheck + " / "
                        + REQUESTS_PER_MINUTE + " requests past the rate limit in " + report.elapsed().toSeconds()
                        + " s; busiest ledger minute " + busiest,
                refusedForQuota.size() + " refused for quota, " + refusedForRate.size()
                        + " for rate; /v1/usage identical on 3 replicas"));
    }
}

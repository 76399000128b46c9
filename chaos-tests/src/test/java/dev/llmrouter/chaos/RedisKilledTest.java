package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmrouter.domain.money.Money;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 17, Requirements 7.4 and 7.5, Property 24: the shared Redis is killed (SIGKILL) while 32
 * callers spend a tight quota through two replicas, and started again empty (it persists nothing).
 *
 * <p>Proves: no caller ever gets a 500; while Redis is down the quota fails closed (503
 * {@code service_unavailable} with {@code Retry-After}) and none of those requests reaches a
 * deployment; once Redis is back the month is rebuilt from the ledger before anything is admitted:
 * the load goes on spending and the month's records never pass the quota (a Redis that started the
 * month again from zero would admit a whole second quota); every 200 has its record.
 */
@DisplayName("Scenario 17 (Requirements 7.4, 7.5, Property 24): Redis killed and restarted empty under load")
class RedisKilledTest {

    static final Money QUOTA = Accounting.COST_OF_ONE_ANSWER.times(150L * ChaosScale.factor());
    static final Duration OUTAGE = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    ReplicaRig rig;

    @BeforeEach
    void start() {
        assumeTrue(GatewayProcess.jarBuilt(), "the runnable jar is built by 'package'; run './mvnw verify'");
        rig = ReplicaRig.start(2, dir, g -> g.costQuota(QUOTA.toUsdString()));
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void quota_fails_closed_while_redis_is_down_and_the_month_is_rebuilt_from_the_ledger() {
        CompletableFuture<LoadReport> load = new LoadDriver(LoadDriver.newClient()).start("17 redis killed",
                ChaosScale.clients(32), ChaosScale.requests(20_000), ChaosScale.duration(Duration.ofSeconds(20)),
                rig.replicas::chat, () -> false);
        Eventually.await(Duration.ofSeconds(30), "40 answers before the kill", () -> rig.fleet.successfulCalls() >= 40);
        long answeredBefore = rig.fleet.successfulCalls();
        rig.stores.killRedis();
        Instant down = Instant.now();
        Eventually.await(OUTAGE.plusSeconds(5), "the outage lasts " + OUTAGE,
                () -> Instant.now().isAfter(down.plus(OUTAGE)));
        long answeredWhileDown = rig.fleet.successfulCalls() - answeredBefore;
        rig.stores.startRedis();
        Instant up = Instant.now();
        LoadReport report = load.join();

        assertThat(report.results()).as(report.summary())
                .allSatisfy(r -> assertThat(r.status()).as("no 500, no broken answer").isIn(200, 429, 503, 502, 504));
        var unavailable = report.results().stream()
                .filter(r -> r.status() == 503 && r.body().contains("service_unavailable")).toList();
        assertThat(unavailable).as("refused while Redis was down").isNotEmpty()
                .allSatisfy(r -> assertThat(r.header("retry-after")).isNotBlank());
        Set<String> reached = rig.fleet.all().stream().flatMap(f -> f.answers().stream())
                .map(FakeDeployment.Answer::requestId).collect(Collectors.toSet());
        assertThat(unavailable).noneSatisfy(r -> assertThat(reached).contains(r.header("x-request-id")));
        var servedAfter = report.results().stream().filter(r -> r.ok() && r.sentAt().isAfter(up)).toList();
        var refusedAfter = report.results().stream()
                .filter(r -> r.status() == 429 && r.body().contains("insufficient_quota") && r.sentAt().isAfter(up)).toList();
        assertThat(servedAfter).as("served again once Redis was back").isNotEmpty();
        assertThat(refusedAfter).as("the rebuilt month ran out").isNotEmpty();

        List<LedgerRows.Row> rows = rig.rows();
        Map<String, LedgerRows.Row> byId = LedgerRows.byRequestId(rows);
        assertThat(report.results().stream().filter(LoadDriver.Result::ok))
                .allSatisfy(r -> assertThat(byId).containsKey(r.header("x-request-id")));
        assertThat(rows).extracting(LedgerRows.Row::requestId).doesNotHaveDuplicates();
        Money spent = LedgerRows.totalCost(rows);
        assertThat(spent.exceeds(QUOTA)).as("spent %s of %s", spent.toUsdString(), QUOTA.toUsdString()).isFalse();

        Scorecard.add(new Scorecard.Row("17 Redis killed and restarted empty under load (2 replicas)", report.requests(),
                report.successRate(), "no 500; 503 while down (here " + unavailable.size() + ")", report.p99Millis(),
                report.fallbacks(Fleet.PRIMARY), "-",
                report.succeeded() + " callers' 200s, each recorded; " + LedgerRows.count(rows, "SUCCESS") + " SUCCESS",
                spent.toUsdString() + " / " + QUOTA.toUsdString() + " USD (month rebuilt from the ledger)",
                unavailable.size() + " refused 503 while down, none reached a deployment; " + answeredWhileDown
                        + " upstream answers during the outage (requests admitted before it)"));
    }
}

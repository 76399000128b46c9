package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmrouter.domain.money.Money;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 16, Requirements 7.1 and 7.4, Properties 24 and 25: one of three replicas is killed with
 * SIGKILL while 48 callers spend a tight quota through all three.
 *
 * <p>Proves: every answer a caller received in full, from any replica, the killed one included, has
 * its record in PostgreSQL the moment the load ends (nothing waited for a flush that died with the
 * process); no request is recorded twice. The killed replica's open reservations hold their room only
 * until their lease ends ({@link Replicas#LEASE}, 8 s): after it, spending the account until it is
 * refused leaves unspent no more than one request's worst case plus one answer for each request the
 * kill cut (one cut after its settle is charged, its record lost with the answer its caller never
 * got), and the month's records stay within the quota. The killed replica,
 * started again, answers {@code /v1/usage} as the others do: it kept nothing of its own.
 */
@DisplayName("Scenario 16 (Requirements 7.1, 7.4, Properties 24, 25): kill -9 one replica under load")
class ReplicaKilledTest {

    static final Money QUOTA = Accounting.COST_OF_ONE_ANSWER.times(150L * ChaosScale.factor());
    /** More than one request's worst-case reservation (prompt bound plus the 16-token cap), in answers. */
    static final long WORST_CASE_IN_ANSWERS = 4;

    @TempDir
    Path dir;
    ReplicaRig rig;

    @BeforeEach
    void start() {
        assumeTrue(GatewayProcess.jarBuilt(), "the runnable jar is built by 'package'; run './mvnw verify'");
        rig = ReplicaRig.start(3, dir, g -> g.costQuota(QUOTA.toUsdString()));
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void a_killed_replica_loses_no_delivered_record_and_its_reservations_expire() {
        AtomicBoolean stop = new AtomicBoolean();
        GatewayProcess victim = rig.replicas.get(0);
        double servedBefore = served(victim); // the warm-up's requests
        CompletableFuture<LoadReport> load = new LoadDriver(LoadDriver.newClient()).start("16 replica killed",
                ChaosScale.clients(48), ChaosScale.requests(20_000), ChaosScale.duration(Duration.ofSeconds(20)),
                rig.replicas::chat, stop::get);
        // kill it with requests in flight, a third of the quota spent
        Eventually.await(Duration.ofSeconds(30), "50 answers before the kill", () -> rig.fleet.successfulCalls() >= 50);
        // and the victim has itself answered: a kill before its first answer would prove nothing of its records
        Eventually.await(Duration.ofSeconds(30), "the victim's first answers", () -> served(victim) >= servedBefore + 5);
        victim.kill();
        Instant killedAt = Instant.now();
        Eventually.await(Duration.ofSeconds(30), "the survivors answer after the kill",
                () -> rig.fleet.successfulCalls() >= 80 || load.isDone());
        stop.set(true);
        LoadReport report = load.join();
        long upstream = rig.fleet.successfulCalls();

        // every answer received in full has its record, read at once (Property 25)
        List<LedgerRows.Row> rows = rig.rows();
        Map<String, LedgerRows.Row> byId = LedgerRows.byRequestId(rows);
        var delivered = report.results().stream().filter(LoadDriver.Result::ok).toList();
        assertThat(delivered).as(report.summary()).isNotEmpty()
                .allSatisfy(r -> assertThat(byId).as("record of %s", r.header("x-request-id"))
                        .containsKey(r.header("x-request-id")));
        long fromVictim = delivered.stream().filter(r -> r.response().uri().getPort() == victim.base().getPort()).count();
        assertThat(fromVictim).as("answers the killed replica delivered before it died").isPositive();
        assertThat(rows).extracting(LedgerRows.Row::requestId).doesNotHaveDuplicates();
        assertThat(LedgerRows.count(rows, "SUCCESS")).as("no record without an upstream answer")
                .isLessThanOrEqualTo(upstream);
        var lost = report.results().stream().filter(r -> r.status() == -1).toList();
        assertThat(report.results()).as("callers: served, refused for quota, or cut by the kill")
                .allSatisfy(r -> assertThat(r.status()).isIn(200, 429, -1, 502, 503, 504));

        // the dead replica's reservations end with their lease: then the account can spend up to its quota
        Eventually.await(Replicas.LEASE.plusSeconds(10), "the killed replica's leases are over",
                () -> Instant.now().isAfter(killedAt.plus(Replicas.LEASE).plusSeconds(1)));
        GatewayProcess survivor = rig.replicas.get(1);
        int room = spendUntilRefused(rig.replicas, survivor, QuotaProbe.bound(QUOTA));
        List<LedgerRows.Row> after = rig.rows();
        Money spent = LedgerRows.totalCost(after);
        assertThat(spent.exceeds(QUOTA)).as("spent %s of %s", spent.toUsdString(), QUOTA.toUsdString()).isFalse();
        // A request the kill cut after its settle is charged without a record (the router settles, then
        // records: its deployment answered, its caller never got the end): each cut request may hold one
        // answer's room for good; any more would be a reservation that outlived its lease.
        Money unspent = QUOTA.minusFloorZero(spent);
        assertThat(unspent.exceeds(Accounting.COST_OF_ONE_ANSWER.times(WORST_CASE_IN_ANSWERS + lost.size())))
                .as("room left unspent after the leases: %s USD, %d requests cut by the kill", unspent.toUsdString(),
                        lost.size()).isFalse();

        // started again, the killed replica reads the shared month: same usage as a survivor
        victim.restart();
        assertThat(Replicas.getJson(victim, "/v1/usage?group_by=deployment", ChaosGateway.KEY).path("total"))
                .isEqualTo(Replicas.getJson(survivor, "/v1/usage?group_by=deployment", ChaosGateway.KEY).path("total"));

        Scorecard.add(new Scorecard.Row("16 kill -9 one of 3 replicas under load", report.requests(), report.successRate(),
                "200, 429 (quota) or cut by the kill (here " + lost.size() + ")", report.p99Millis(),
                report.fallbacks(Fleet.PRIMARY), "-",
                delivered.size() + " delivered 200s, each recorded (" + fromVictim + " by the killed replica); "
                        + LedgerRows.count(rows, "SUCCESS") + " SUCCESS ≤ " + upstream + " upstream (the rest died with the replica)",
                spent.toUsdString() + " / " + QUOTA.toUsdString() + " USD after the lease; " + room
                        + " more served after it, " + unspent.toUsdString() + " left",
                "delivered ⇒ recorded; dead reservations expire with the " + Replicas.LEASE.toSeconds() + " s lease"));
    }

    /** The requests a replica has completed, from its own {@code /metrics}. */
    static double served(GatewayProcess replica) {
        try {
            var r = LoadDriver.newClient().send(java.net.http.HttpRequest.newBuilder(replica.base().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? new PrometheusScrape(r.body()).sum("llm_router_requests_total", Map.of()) : 0;
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Spends the team's quota through one replica, one request at a time, until it is refused. */
    static int spendUntilRefused(Replicas replicas, GatewayProcess replica, int max) {
        LoadDriver driver = new LoadDriver(LoadDriver.newClient());
        for (int served = 0; served < max; served++) {
            LoadDriver.Result r = driver.send(served, replicas.chat(replica, ChaosGateway.KEY));
            if (r.status() == 429) {
                assertThat(r.body()).contains("insufficient_quota");
                return served;
            }
            assertThat(r.status()).as("spending the quota: %s", r.body()).isEqualTo(200);
        }
        throw new AssertionError("quota not spent after " + max + " requests");
    }
}

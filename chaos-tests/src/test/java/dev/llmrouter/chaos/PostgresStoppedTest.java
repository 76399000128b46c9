package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
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
 * Scenario 18, Requirement 7.1, Property 25: the shared PostgreSQL stops (fast shutdown, connections
 * cut) while 32 callers are served by two replicas, and starts again.
 *
 * <p>Proves: callers keep being served while the ledger is unreachable (their records go to each
 * replica's local spool, durable before the answer ends); once PostgreSQL is back the spools drain:
 * every 200 has exactly one record in PostgreSQL, and SUCCESS records equal the deployments' complete
 * answers — nothing lost, nothing shipped twice.
 */
@DisplayName("Scenario 18 (Requirement 7.1, Property 25): PostgreSQL stopped and started under load")
class PostgresStoppedTest {

    @TempDir
    Path dir;
    ReplicaRig rig;

    @BeforeEach
    void start() {
        assumeTrue(GatewayProcess.jarBuilt(), "the runnable jar is built by 'package'; run './mvnw verify'");
        rig = ReplicaRig.start(2, dir, g -> g);
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void records_written_while_the_database_is_down_are_spooled_and_shipped_once() {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<LoadReport> load = new LoadDriver(LoadDriver.newClient()).start("18 postgres stopped",
                ChaosScale.clients(32), ChaosScale.requests(20_000), ChaosScale.duration(Duration.ofSeconds(20)),
                rig.replicas::chat, stop::get);
        Eventually.await(Duration.ofSeconds(30), "100 answers before the stop", () -> rig.fleet.successfulCalls() >= 100);
        rig.stores.stopPostgres();
        long atStop = rig.fleet.successfulCalls();
        Eventually.await(Duration.ofSeconds(30), "200 answers while PostgreSQL is down",
                () -> rig.fleet.successfulCalls() - atStop >= 200 || load.isDone());
        long servedWhileDown = rig.fleet.successfulCalls() - atStop;
        rig.stores.startPostgres();
        long atStart = rig.fleet.successfulCalls();
        Eventually.await(Duration.ofSeconds(30), "100 answers after the start",
                () -> rig.fleet.successfulCalls() - atStart >= 100 || load.isDone());
        stop.set(true);
        LoadReport report = load.join();

        assertThat(servedWhileDown).as("served while the ledger was unreachable").isGreaterThanOrEqualTo(200);
        assertThat(report.results()).as(report.summary())
                .allSatisfy(r -> assertThat(r.status()).as("no 500, no broken answer").isIn(200, 502, 503, 504));
        assertThat(report.count(r -> !r.ok())).as(report.summary()).isLessThanOrEqualTo(report.requests() / 100);

        // the spools drain: every delivered answer's record reaches PostgreSQL, once
        long upstream = rig.fleet.successfulCalls();
        List<LedgerRows.Row> rows = Eventually.awaitValue(Duration.ofSeconds(30), "the spools drained",
                () -> java.util.Optional.of(rig.rows()).filter(r -> LedgerRows.count(r, "SUCCESS") >= upstream));
        Map<String, LedgerRows.Row> byId = LedgerRows.byRequestId(rows);
        assertThat(report.results().stream().filter(LoadDriver.Result::ok))
                .allSatisfy(r -> assertThat(byId).containsKey(r.header("x-request-id")));
        assertThat(rows).extracting(LedgerRows.Row::requestId).doesNotHaveDuplicates();
        assertThat(LedgerRows.count(rows, "SUCCESS")).isEqualTo(upstream).isEqualTo(report.succeeded());

        Scorecard.add(new Scorecard.Row("18 PostgreSQL stopped and started under load (2 replicas)", report.requests(),
                report.successRate(), "≥ 99 % (served from the spool while down)", report.p99Millis(),
                report.fallbacks(Fleet.PRIMARY), "-",
                LedgerRows.count(rows, "SUCCESS") + " SUCCESS in PostgreSQL = " + upstream + " upstream = "
                        + report.succeeded() + " callers' 200s",
                "-", servedWhileDown + " served while the database was down, spooled and shipped once"));
    }
}

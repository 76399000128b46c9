package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8, Requirement 1.4 (final errors) and 6.1 (what counts against a breaker): a primary that
 * answers every request with a content-filter 400, then with context_length_exceeded. Each answer
 * reaches the caller with the deployment's status and code, the secondary is never called, and
 * although the primary has refused far more than the breaker's minimum calls its breaker stays closed
 * with no failure counted.
 */
@DisplayName("Scenario 8: content filter and context length pass through, no fallback, no breaker trip")
class FinalErrorsTest {

    static Fleet fleet;
    static ChaosGateway gateway;
    static LoadDriver driver;

    @BeforeAll
    static void start() {
        fleet = Fleet.primaryAndSecondary();
        gateway = fleet.gateway().start();
        fleet.add(gateway);
        driver = new LoadDriver(LoadDriver.newClient());
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void final_errors_reach_the_caller_as_the_deployment_sent_them() {
        int perKind = ChaosScale.requests(20);
        int clients = ChaosScale.clients(4);

        // given a primary that filters content; when callers send requests
        fleet.primary.contentFilter();
        LoadReport filtered = driver.run("content filter", clients, perKind, Duration.ofSeconds(30), i -> gateway.chat());
        // and then one whose model refuses the prompt's length
        fleet.primary.contextLengthExceeded();
        LoadReport tooLong = driver.run("context length", clients, perKind, Duration.ofSeconds(30), i -> gateway.chat());

        // then every caller got the deployment's 400 with its code
        assertThat(filtered.statuses()).as(filtered.summary()).containsOnlyKeys(400);
        // with the deployment's own error: its code and the content-filter results the caller needs
        assertThat(filtered.results()).allSatisfy(r -> assertThat(r.body())
                .contains("\"code\":\"content_filter\"", "ResponsibleAIPolicyViolation", "\"violence\""));
        assertThat(tooLong.statuses()).as(tooLong.summary()).containsOnlyKeys(400);
        assertThat(tooLong.results()).allSatisfy(r -> assertThat(r.body())
                .contains("\"code\":\"context_length_exceeded\"", "maximum context length is 8192 tokens"));
        // no fallback: the secondary never saw a request, the primary saw each exactly once
        assertThat(fleet.secondary.requestCount()).isZero();
        assertThat(fleet.primary.requestCount()).isEqualTo(2 * perKind);
        // no breaker trip: closed, nothing counted against it, no transition at all
        ChaosGateway.DeploymentView primary = gateway.deployment(Fleet.PRIMARY);
        assertThat(primary.breaker()).isEqualTo("closed");
        assertThat(primary.recentFailures()).isZero();
        assertThat(primary.transitions()).isZero();
        assertThat(gateway.transitions(Fleet.PRIMARY)).isEmpty();
        // one usage record per request, FINAL_ERROR, nothing charged
        List<UsageRecord> records = Eventually.awaitValue(Duration.ofSeconds(5), "a record per request",
                () -> java.util.Optional.of(gateway.usageRecords()).filter(l -> l.size() >= 2 * perKind));
        assertThat(records).hasSize(2 * perKind).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(UsageOutcome.FINAL_ERROR);
            assertThat(r.cost().isZero()).isTrue();
            assertThat(r.deployment()).isEqualTo(Fleet.PRIMARY);
        });

        Scorecard.add(new Scorecard.Row("8 content filter / context length", filtered.requests() + tooLong.requests(),
                (filtered.succeeded() + tooLong.succeeded()) / (double) (filtered.requests() + tooLong.requests()),
                "0 % (400 passed on)", Math.max(filtered.p99Millis(), tooLong.p99Millis()), 0,
                "0 (breaker closed, 0 failures)",
                records.size() + " FINAL_ERROR = " + fleet.primary.requestCount() + " upstream 400s", "-",
                "status and code passed on, no fallback, breaker untouched"));
    }
}

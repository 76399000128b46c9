package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenario 3, Requirements 1.4, 2.5 and 6.1: a primary whose connections break in each of WireMock's
 * four ways — reset by peer, empty response, malformed chunk, random data then close.
 *
 * <p>Proves for each: the real SDK adapter classifies the break as a retryable transport failure, so
 * every request falls back and is served by the secondary; the breaker counts the breaks as failures
 * and opens once its window holds the minimum calls; and the usage records match the secondary's
 * answers one for one.
 */
@DisplayName("Scenario 3: broken connections — fallback, and the breaker counts them")
class TransportFaultsTest extends PrimaryAndSecondaryScenario {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    void every_request_falls_back_and_the_breaker_opens(Fault fault) {
        int minimumCalls = gateway.breakers().minimumCalls();
        fleet.primary.broken(fault);

        // when callers send requests
        LoadReport report = new LoadDriver(LoadDriver.newClient()).run("3 " + fault, ChaosScale.clients(2),
                ChaosScale.requests(30), Duration.ofSeconds(30), i -> gateway.chat());

        // then all are served by the secondary
        assertThat(report.succeeded()).as(report.summary()).isEqualTo(report.requests());
        assertThat(report.servedBy()).containsOnlyKeys(Fleet.SECONDARY);
        // and the breaker counted the breaks: it opened (once from closed), after at least its minimum calls
        long broken = fleet.primary.answersOf(FakeDeployment.Kind.BROKEN);
        assertThat(broken).isGreaterThanOrEqualTo(minimumCalls);
        Map<String, Long> transitions = gateway.transitions(Fleet.PRIMARY);
        assertThat(transitions).containsEntry("closed->open", 1L);
        assertThat(gateway.breaker(Fleet.PRIMARY)).isIn("open", "half_open");
        // every break cost one fallback
        assertThat(report.count(r -> LoadReport.attempts(r) == 2)).isEqualTo(broken);
        var records = Accounting.awaitRecords(gateway, report.requests());
        Accounting.assertSuccessesMatchUpstream(records, fleet);

        Scorecard.add(new Scorecard.Row("3 " + fault, report.requests(), report.successRate(), "100 %",
                report.p99Millis(), report.fallbacks(Fleet.PRIMARY), transitions.toString(),
                records.size() + " SUCCESS = " + fleet.successfulCalls() + " upstream 200s", "-",
                broken + " broken calls counted; breaker opened after " + minimumCalls));
    }
}

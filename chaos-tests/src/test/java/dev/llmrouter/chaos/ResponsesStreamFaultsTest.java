package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 20, Requirement 8.2: Responses API streams under faults, as chat's streams fall back.
 *
 * <p>Proves, for {@code POST /v1/responses} with {@code stream: true} against deployments answering
 * Azure's v1 path: a stream cut after its first deltas ends, for the caller, with the events already
 * sent followed by an {@code error} event, no fallback, and a STREAM_INTERRUPTED record; under load the
 * cut streams open the primary's breaker and the rest are served whole by the secondary. A primary that
 * fails before the first event (503s, then broken connections) is fallen back from invisibly. In every
 * phase the SUCCESS records equal the complete upstream streams, each priced once from its
 * {@code response.completed} usage, and no request is recorded twice.
 */
@DisplayName("Scenario 20: Responses streams under faults: cut streams end in an error event, fallback before the first delta, records equal upstream successes")
class ResponsesStreamFaultsTest extends PrimaryAndSecondaryScenario {

    LoadDriver driver;

    @BeforeEach
    void startDriver() {
        driver = new LoadDriver(LoadDriver.newClient());
    }

    /** A Responses stream that ended properly: its last event is {@code response.completed}. */
    static boolean completed(String sse) {
        String[] events = sse.strip().split("\n\n");
        return events[events.length - 1].startsWith("event: response.completed\n");
    }

    @Test
    void cut_streams_end_in_an_error_event_and_are_metered_and_whole_ones_match_upstream() {
        fleet.primary.streamCutAfter(2);

        LoadDriver.Result first = driver.send(0, gateway.responses(true));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).contains("event: response.created\n", " word0", " word1").doesNotContain("[DONE]");
        String[] events = first.body().strip().split("\n\n");
        assertThat(events[events.length - 1]).startsWith("event: error\ndata: {\"type\":\"error\"");
        assertThat(fleet.secondary.requestCount()).isZero();

        CutStreams run = cutStreamsUnderLoad(driver, "20a Responses streams cut after 2 deltas",
                i -> gateway.responses(true), ResponsesStreamFaultsTest::completed);
        LoadReport load = run.load();
        long cut = run.cut();
        long whole = run.whole();

        Scorecard.add(new Scorecard.Row("20a Responses stream cut after 2 deltas", load.requests() + 1,
                (double) (cut + 1 + whole) / (load.requests() + 1), "200 + error event; no fallback after content",
                load.p99Millis(), 0, gateway.transitions(Fleet.PRIMARY).toString(),
                (cut + 1) + " STREAM_INTERRUPTED = " + (cut + 1) + " cut streams; " + whole + " SUCCESS = " + whole
                        + " completed streams",
                "-", "Responses events passed through; a cut stream ends in an error event and is metered"));
    }

    @Test
    void a_primary_failing_before_the_first_event_is_fallen_back_from_invisibly() {
        fleet.primary.unavailable();

        LoadReport unavailable = driver.run("20b Responses streams, primary 503", ChaosScale.clients(4),
                ChaosScale.requests(20), Duration.ofSeconds(30), i -> gateway.responses(true));
        fleet.primary.broken(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
        LoadReport broken = driver.run("20b Responses streams, primary resets", ChaosScale.clients(4),
                ChaosScale.requests(20), Duration.ofSeconds(30), i -> gateway.responses(true));

        for (LoadReport load : new LoadReport[] {unavailable, broken}) {
            assertThat(load.succeeded()).as(load.summary()).isEqualTo(load.requests());
            assertThat(load.results()).allSatisfy(x -> {
                assertThat(x.header("x-router-deployment")).isEqualTo(Fleet.SECONDARY);
                assertThat(completed(x.body())).isTrue();
                assertThat(x.body().split("event: response.created\n", -1)).hasSize(2); // one stream, not two
            });
        }
        int requests = unavailable.requests() + broken.requests();
        var records = Accounting.awaitRecords(gateway, requests);
        assertThat(records).hasSize(requests);
        Accounting.assertSuccessesMatchUpstream(records, fleet);

        Scorecard.add(new Scorecard.Row("20b Responses streams, primary 503 then resets", requests,
                (double) (unavailable.succeeded() + broken.succeeded()) / requests, "100 %",
                Math.max(unavailable.p99Millis(), broken.p99Millis()), unavailable.fallbacks(Fleet.PRIMARY)
                        + broken.fallbacks(Fleet.PRIMARY), gateway.transitions(Fleet.PRIMARY).toString(),
                records.size() + " SUCCESS = " + fleet.successfulCalls() + " completed streams", "-",
                "fallback before the first event is invisible to the caller"));
    }
}

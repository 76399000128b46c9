package dev.llmrouter.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7, Requirement 1.6: streams that break.
 *
 * <p>Proves: a stream cut after some content has reached the caller ends, for the caller, with the
 * chunks already sent followed by an error event and no {@code [DONE]} — no fallback (the secondary is
 * never called), the usage record says STREAM_INTERRUPTED with the output tokens that were sent, and
 * the breaker counts a failure. A stream that breaks before its first content chunk falls back
 * invisibly: the caller gets one complete stream from the secondary, charged once.
 */
@DisplayName("Scenario 7: streams cut mid-way end with an error event and are metered; cut before the first token falls back")
class StreamCutTest extends PrimaryAndSecondaryScenario {

    LoadDriver driver;

    @BeforeEach
    void startDriver() {
        driver = new LoadDriver(LoadDriver.newClient());
    }

    @Test
    void a_stream_cut_after_content_ends_with_an_error_event_and_is_metered() {
        int sent = 3;
        fleet.primary.streamCutAfter(sent);

        LoadDriver.Result r = driver.send(0, gateway.chat(true, Map.of()));

        // the caller got the chunks that were sent, then an error event, and no [DONE]
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-router-deployment")).isEqualTo(Fleet.PRIMARY);
        String body = r.body();
        assertThat(body).contains(" word0", " word1", " word2");
        assertThat(endsWithDone(body)).isFalse();
        String[] events = body.strip().split("\n\n");
        String lastEvent = events[events.length - 1];
        assertThat(lastEvent).startsWith("data: {\"error\"").contains("stream_interrupted");
        // no fallback after content was sent
        assertThat(fleet.secondary.requestCount()).isZero();
        // usage: the tokens that were sent, as STREAM_INTERRUPTED, at the primary
        UsageRecord record = Accounting.awaitRecords(gateway, 1).get(0);
        assertThat(record.outcome()).isEqualTo(UsageOutcome.STREAM_INTERRUPTED);
        assertThat(record.deployment()).isEqualTo(Fleet.PRIMARY);
        assertThat(record.tokens().outputTokens()).isGreaterThanOrEqualTo(sent);
        assertThat(record.cost().isZero()).isFalse();
        // the breaker counted it as a failure
        ChaosGateway.DeploymentView primary = gateway.deployment(Fleet.PRIMARY);
        assertThat(primary.recentFailures()).isEqualTo(1);
        assertThat(primary.recentCalls()).isEqualTo(1);

        // and under load, cut streams open the breaker, after which streams are served whole by the secondary
        CutStreams run = cutStreamsUnderLoad(driver, "7a streams cut after 3 chunks", i -> gateway.chat(true, Map.of()),
                StreamCutTest::endsWithDone);
        LoadReport load = run.load();
        long cut = run.cut();
        long whole = run.whole();

        Scorecard.add(new Scorecard.Row("7a stream cut after 3 chunks", load.requests() + 1,
                (double) (cut + 1 + whole) / (load.requests() + 1), "200 + error event; no fallback after content",
                load.p99Millis(), 0, gateway.transitions(Fleet.PRIMARY).toString(),
                (cut + 1) + " STREAM_INTERRUPTED (≥ " + sent + " tokens each) = " + (cut + 1) + " cut streams; "
                        + whole + " SUCCESS = " + whole + " whole streams",
                "-", "error event ends a cut stream, tokens sent are metered, breaker counts it"));
    }

    /** A stream that ended properly: its last event is {@code data: [DONE]}. */
    static boolean endsWithDone(String sse) {
        return sse.endsWith("data: [DONE]\n\n");
    }

    @Test
    void a_stream_that_breaks_before_its_first_chunk_falls_back_invisibly() {
        fleet.primary.streamCutAfter(0);

        LoadReport load = driver.run("7b stream broken before first chunk", ChaosScale.clients(4),
                ChaosScale.requests(30), Duration.ofSeconds(30), i -> gateway.chat(true, Map.of()));

        // every caller got one complete stream, from the secondary
        assertThat(load.succeeded()).as(load.summary()).isEqualTo(load.requests());
        assertThat(load.results()).allSatisfy(x -> {
            assertThat(x.header("x-router-deployment")).isEqualTo(Fleet.SECONDARY);
            assertThat(x.body()).endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
            assertThat(x.body().split(" word0", -1)).hasSize(2); // one stream, not a broken one plus a whole one
        });
        assertThat(fleet.primary.answersOf(FakeDeployment.Kind.STREAM_CUT)).isPositive();
        // charged once each
        var records = Accounting.awaitRecords(gateway, load.requests());
        assertThat(records).hasSize(load.requests());
        Accounting.assertSuccessesMatchUpstream(records, fleet);

        Scorecard.add(new Scorecard.Row("7b stream broken before first chunk", load.requests(), load.successRate(),
                "100 %", load.p99Millis(), load.fallbacks(Fleet.PRIMARY), gateway.transitions(Fleet.PRIMARY).toString(),
                records.size() + " SUCCESS = " + fleet.successfulCalls() + " whole streams", "-",
                "fallback before the first token is invisible to the caller"));
    }
}

package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.stream;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.streamCut;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.usage.UsageOutcome;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.router.Attempt.Outcome;
import dev.llmrouter.ports.router.ChatOutcome;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.6 — streams fall back invisibly until the first content chunk has reached the caller;
 * after that a failure ends the stream, and the usage of what was sent is still recorded.
 */
@DisplayName("Requirement 1.6 — streaming fallback and metering")
class StreamingFallbackTest {

    private static final String EAST = "gpt-4o-eastus";
    private static final String WEST = "gpt-4o-westeurope";

    @Test
    void a_failure_before_the_first_content_chunk_falls_back_invisibly() {
        // given eastus opens its stream and is cut before any content; westeurope streams 3 chunks
        RouterHarness h = new RouterHarness();
        RecordingHealth health = new RecordingHealth();
        h.builder.health(health);
        h.endpoint.script(EAST, streamCut(0, 50, FailureKind.CONNECTION_RESET)).script(WEST, stream(3, 50));
        RouterHarness.Listener caller = new RouterHarness.Listener();

        // when the caller streams
        ChatOutcome outcome = h.router().stream(ask("gpt-4o", ChatRequest.chat("{}").streaming(false)), caller);

        // then it sees one start, from westeurope, then only westeurope's chunks (no usage chunk: not asked for)
        assertThat(caller.starts).singleElement().satisfies(r -> assertThat(r.deployment().id().value()).isEqualTo(WEST));
        assertThat(caller.events).containsExactly("start", "meta", "content", "content", "content");
        assertThat(h.endpoint.streams().get(0).closed()).isTrue();
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.Served.class, s -> {
            assertThat(s.usage()).isEqualTo(new TokenUsage(50, 3));
            assertThat(s.attempts()).extracting(a -> a.outcome()).containsExactly(Outcome.FAILED, Outcome.FAILED, Outcome.SUCCESS);
        });
        // and the breaker heard eastus's failures and westeurope's success once it ended
        assertThat(health.log).containsExactly("failure:" + EAST, "failure:" + EAST, "success:" + WEST);
        assertThat(h.ledger.all()).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo(UsageOutcome.SUCCESS));
    }

    @Test
    void the_usage_chunk_reaches_only_a_caller_who_asked_for_it() {
        RouterHarness h = new RouterHarness();
        h.endpoint.script(EAST, stream(2, 50));
        RouterHarness.Listener caller = new RouterHarness.Listener();

        h.router().stream(ask("gpt-4o", ChatRequest.chat("{}").streaming(true)), caller);

        assertThat(caller.events).containsExactly("start", "meta", "content", "content", "usage");
    }

    @Test
    void a_cut_after_content_ends_the_stream_broken_and_meters_what_was_sent() {
        // given eastus sends 4 content chunks and is cut; time to first token is 250 ms
        RouterHarness h = new RouterHarness();
        RecordingHealth health = new RecordingHealth();
        h.builder.health(health);
        h.endpoint.script(EAST, streamCut(4, 50, FailureKind.CONNECTION_RESET).taking(Duration.ofMillis(250)));
        RouterHarness.Listener caller = new RouterHarness.Listener();

        // when the caller streams
        ChatOutcome outcome = h.router().stream(ask("gpt-4o", ChatRequest.chat("{}").streaming(false)), caller);

        // then no fallback happens after content: westeurope is never called
        assertThat(h.endpoint.calledDeployments()).containsExactly(EAST);
        assertThat(caller.starts).hasSize(1);
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.StreamBroken.class, b -> {
            assertThat(b.callerGone()).isFalse();
            assertThat(b.failure()).get().satisfies(f -> assertThat(f.kind()).isEqualTo(FailureKind.STREAM_INTERRUPTED));
            assertThat(b.usage()).isEqualTo(new TokenUsage(50, 4));
        });
        // and the cut counts against the breaker, and the tokens sent are recorded
        assertThat(health.log).containsExactly("failure:" + EAST);
        UsageRecord record = h.ledger.all().get(0);
        assertThat(record.outcome()).isEqualTo(UsageOutcome.STREAM_INTERRUPTED);
        assertThat(record.tokens()).isEqualTo(new TokenUsage(50, 4));
        assertThat(record.timeToFirstToken()).contains(Duration.ofMillis(250));
        assertThat(record.path()).containsExactly(EAST + ":FAILED:STREAM_INTERRUPTED");
    }

    @Test
    void a_caller_who_goes_away_closes_the_upstream_stream() {
        // given a long stream
        RouterHarness h = new RouterHarness();
        RecordingHealth health = new RecordingHealth();
        h.builder.health(health);
        h.endpoint.script(EAST, stream(100, 50));
        RouterHarness.Listener caller = new RouterHarness.Listener(2);

        // when the caller leaves after two content chunks
        ChatOutcome outcome = h.router().stream(ask("gpt-4o", ChatRequest.chat("{}").streaming(false)), caller);

        // then the upstream stream is closed at once, and the two tokens are metered as cancelled
        assertThat(h.endpoint.streams()).singleElement().satisfies(s -> {
            assertThat(s.closed()).isTrue();
            assertThat(s.contentDelivered()).isEqualTo(2);
        });
        assertThat(outcome).isInstanceOfSatisfying(ChatOutcome.StreamBroken.class, b -> {
            assertThat(b.callerGone()).isTrue();
            assertThat(b.usage()).isEqualTo(new TokenUsage(50, 2));
        });
        assertThat(h.ledger.all()).singleElement().satisfies(r -> assertThat(r.outcome()).isEqualTo(UsageOutcome.CANCELLED));
        assertThat(health.count("failure:")).isZero();
    }

    @Test
    void a_final_error_on_open_never_starts_the_stream() {
        RouterHarness h = new RouterHarness();
        h.endpoint.script(EAST, fail(FailureKind.CONTENT_FILTERED));
        RouterHarness.Listener caller = new RouterHarness.Listener();

        ChatOutcome outcome = h.router().stream(ask("gpt-4o", ChatRequest.chat("{}").streaming(false)), caller);

        assertThat(outcome).isInstanceOf(ChatOutcome.Failed.class);
        assertThat(caller.starts).isEmpty();
        assertThat(caller.chunks).isEmpty();
    }
}

package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.stream;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.streamCut;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.region.Residency;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.StreamChunk;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ScriptedStream;
import dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.Step;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 1.6 — streaming fallback, as a property: for any scripts of the gpt-4o deployments
 * (refused at open, cut before content, cut after k chunks, complete) and any caller patience, the
 * caller sees at most one start, before any chunk, and only the chunks of the one stream that started;
 * every stream opened is closed; the outcome matches what happened to that stream; and exactly one
 * usage record exists when a deployment was called.
 */
@DisplayName("Requirement 1.6 — streaming fallback property")
class StreamingPropertyTest {

    private static final List<String> CHAIN = List.of("gpt-4o-eastus", "gpt-4o-westeurope");

    /** kind 0: 503 at open; 1: cut before content; 2: cut after n chunks; 3: complete stream of n chunks. */
    record Script(int kind, int n) {
        Step step() {
            return switch (kind) {
                case 0 -> fail(FailureKind.SERVER_ERROR);
                case 1 -> streamCut(0, 20, FailureKind.CONNECTION_RESET);
                case 2 -> streamCut(n, 20, FailureKind.CONNECTION_RESET);
                default -> stream(n, 20);
            };
        }
    }

    @Test
    void the_caller_sees_one_start_and_only_the_chunks_of_the_stream_that_started() {
        qt().withExamples(150)
                .forAll(lists().of(integers().between(0, 3).zip(integers().between(1, 5), Script::new)).ofSize(2),
                        integers().between(1, 6), booleans().all())
                .checkAssert((scripts, patience, includeUsage) -> {
                    // given each deployment's stream script and a caller who leaves after `patience` chunks
                    RouterHarness h = new RouterHarness();
                    h.builder.retry(RetrySettings.defaults().withoutBackoff().withSameDeploymentRetries(0));
                    for (int i = 0; i < CHAIN.size(); i++) {
                        h.endpoint.script(CHAIN.get(i), scripts.get(i).step());
                    }
                    RouterHarness.Listener caller = new RouterHarness.Listener(patience);

                    // when the caller streams
                    ChatOutcome outcome = h.router().stream(new ChatCommand(RouterHarness.enterprise(), "gpt-4o", null,
                            Residency.ANY, false, ChatRequest.chat("{}").streaming(includeUsage), ""), caller);

                    // then at most one start, and it comes before every chunk
                    assertThat(caller.starts.size()).isLessThanOrEqualTo(1);
                    if (!caller.events.isEmpty()) {
                        assertThat(caller.events.get(0)).isEqualTo("start");
                        assertThat(caller.events.stream().filter("start"::equals)).hasSize(1);
                    }
                    // and every upstream stream was closed
                    assertThat(h.endpoint.streams()).allMatch(ScriptedStream::closed);
                    long content = caller.chunks.stream().filter(StreamChunk::hasContent).count();
                    long usageChunks = caller.chunks.stream().filter(StreamChunk::usageOnly).count();
                    if (!includeUsage) {
                        assertThat(usageChunks).isZero();
                    }
                    // and the content the caller got is exactly what the started stream handed out
                    if (caller.starts.isEmpty()) {
                        assertThat(caller.chunks).isEmpty();
                        assertThat(outcome).isInstanceOfAny(ChatOutcome.Exhausted.class, ChatOutcome.Failed.class);
                    } else {
                        String served = caller.starts.get(0).deployment().id().value();
                        ScriptedStream started = h.endpoint.streams().stream()
                                .filter(s -> s.call().candidate().deployment().id().value().equals(served))
                                .reduce((a, b) -> b).orElseThrow();
                        assertThat(content).isEqualTo((long) started.contentDelivered());
                        Script script = scripts.get(CHAIN.indexOf(served));
                        if (outcome instanceof ChatOutcome.StreamBroken broken && !broken.callerGone()) {
                            assertThat(script.kind()).isEqualTo(2);
                            assertThat(content).isEqualTo((long) script.n());
                        } else if (outcome instanceof ChatOutcome.StreamBroken broken) {
                            assertThat(broken.callerGone()).isTrue();
                            assertThat(content).isEqualTo((long) patience);
                        } else {
                            assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
                            assertThat(script.kind()).isEqualTo(3);
                            assertThat(content).isEqualTo((long) script.n());
                        }
                    }
                    // and one usage record when any deployment was called
                    assertThat(h.ledger.all()).hasSize(h.endpoint.calls().isEmpty() ? 0 : 1);
                });
    }
}

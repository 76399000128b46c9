package dev.llmrouter.ports.routing;

import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.fail;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.ok;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.stream;
import static dev.llmrouter.ports.fixtures.ScriptedChatEndpoint.throttled;
import static dev.llmrouter.ports.routing.RouterHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.domain.usage.UsageRecord;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.router.Attempt;
import dev.llmrouter.ports.router.ChatCommand;
import dev.llmrouter.ports.router.ChatOutcome;
import dev.llmrouter.ports.router.Refusal;
import dev.llmrouter.ports.telemetry.AttemptTrace;
import dev.llmrouter.ports.telemetry.RequestTrace;
import dev.llmrouter.ports.telemetry.RouterTracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 10.1 and 10.2 inside the router, the embedded library's view: the tracer hears each
 * request once, its route, every call in order (each its own attempt trace, named to the deployment
 * through the {@link ChatCall}'s {@code traceparent}), every deployment passed over, and one ending;
 * the usage record carries the trace id; a stream's attempt hears its first chunk and ends with the
 * stream; a tracer that throws never fails a request.
 */
@DisplayName("Requirements 10.1/10.2: the router's trace of each request and attempt")
class RouterTracingTest {

    /** Writes down every call it hears, as text, and names each attempt {@code tp-<n>}. */
    static final class RecordingTracer implements RouterTracer {
        final List<String> heard = new ArrayList<>();
        final List<Optional<UsageRecord>> ended = new ArrayList<>();
        private int requests;

        @Override
        public RequestTrace start(ChatCommand command) {
            heard.add("start " + command.requested());
            String id = "trace-" + ++requests;
            return new RequestTrace() {
                @Override
                public String traceId() {
                    return id;
                }

                @Override
                public void routed(Optional<Tier> requestedTier, Tier firstTier, Optional<String> downgrade, int candidates) {
                    heard.add("routed " + firstTier.id() + " " + candidates);
                }

                @Override
                public void skipped(Attempt skip) {
                    heard.add("skipped " + skip.deployment().value() + " " + skip.outcome());
                }

                @Override
                public AttemptTrace attempt(Candidate candidate, int number, Duration backoffWaited) {
                    heard.add("attempt " + number + " " + candidate.deployment().id().value());
                    return new AttemptTrace() {
                        @Override
                        public String traceparent() {
                            return "tp-" + number;
                        }

                        @Override
                        public void firstChunk(Duration sinceStart) {
                            heard.add("first chunk " + number);
                        }

                        @Override
                        public void ended(Attempt attempt, Optional<TokenUsage> usage, Optional<byte[]> answer) {
                            heard.add("ended " + number + " " + attempt.outcome()
                                    + attempt.failure().map(f -> " " + f.kind()).orElse("")
                                    + usage.map(u -> " " + u.inputTokens() + "/" + u.outputTokens()).orElse("")
                                    + (answer.isPresent() ? " answer" : ""));
                        }
                    };
                }

                @Override
                public void refused(Refusal refusal) {
                    heard.add("refused " + refusal.reason());
                }

                @Override
                public void ended(Optional<UsageRecord> record, long reservedTokens, Money reservedCost, boolean settled) {
                    heard.add("request ended settled=" + settled + " reserved>0=" + (reservedTokens > 0));
                    ended.add(record);
                }
            };
        }
    }

    @Test
    void a_fallback_is_heard_call_by_call_and_each_call_names_its_attempt() {
        RouterHarness h = new RouterHarness();
        RecordingTracer tracer = new RecordingTracer();
        h.builder.tracer(tracer);
        h.endpoint.script("gpt-4o-eastus", fail(FailureKind.SERVER_ERROR)).script("gpt-4o-westeurope", ok(120, 40));

        ChatOutcome outcome = h.router().complete(ask("gpt-4o"));

        assertThat(outcome).isInstanceOf(ChatOutcome.Served.class);
        assertThat(tracer.heard.get(1)).matches("routed premium [2-9]");
        assertThat(tracer.heard).containsExactly(
                "start gpt-4o",
                tracer.heard.get(1),
                "attempt 1 gpt-4o-eastus",
                "ended 1 FAILED SERVER_ERROR",
                "attempt 2 gpt-4o-eastus", // the same-deployment retry is a call of its own
                "ended 2 FAILED SERVER_ERROR",
                "attempt 3 gpt-4o-westeurope",
                "ended 3 SUCCESS 120/40 answer",
                "request ended settled=true reserved>0=true");
        assertThat(h.endpoint.calls()).extracting(ChatCall::traceparent).containsExactly("tp-1", "tp-2", "tp-3");
        UsageRecord record = h.ledger.all().get(0);
        assertThat(record.traceId()).isEqualTo("trace-1");
        assertThat(tracer.ended).containsExactly(Optional.of(record));
    }

    @Test
    void a_deployment_passed_over_is_heard_as_a_skip_and_a_refusal_as_a_refusal() {
        RouterHarness h = new RouterHarness();
        RecordingTracer tracer = new RecordingTracer();
        h.builder.tracer(tracer);
        h.endpoint.script("gpt-4o-eastus", throttled(Duration.ofMinutes(1))).script("gpt-4o-westeurope", ok(10, 5));

        h.router().complete(ask("gpt-4o")); // cools eastus down
        tracer.heard.clear();
        h.router().complete(ask("gpt-4o"));
        h.router().complete(ask("no-such-model"));

        assertThat(tracer.heard).contains("skipped gpt-4o-eastus SKIPPED_COOLING_DOWN", "attempt 1 gpt-4o-westeurope",
                "refused UNKNOWN_MODEL");
        assertThat(tracer.heard).doesNotContain("attempt 1 gpt-4o-eastus");
        assertThat(tracer.heard.get(tracer.heard.size() - 1)).isEqualTo("refused UNKNOWN_MODEL");
    }

    @Test
    void a_streams_attempt_hears_its_first_chunk_and_ends_with_the_stream() {
        RouterHarness h = new RouterHarness();
        RecordingTracer tracer = new RecordingTracer();
        h.builder.tracer(tracer);
        h.endpoint.script("gpt-4o-eastus", stream(3, 20));

        h.router().stream(ask("gpt-4o", ChatRequest.chat("{}").streaming(true)), new RouterHarness.Listener());

        assertThat(tracer.heard).containsSubsequence("attempt 1 gpt-4o-eastus", "first chunk 1", "ended 1 SUCCESS 20/3",
                "request ended settled=true reserved>0=true");
        assertThat(tracer.heard).filteredOn(s -> s.startsWith("ended 1")).hasSize(1);
        assertThat(h.endpoint.calls()).extracting(ChatCall::traceparent).containsExactly("tp-1");
    }

    @Test
    void a_throwing_tracer_never_fails_a_request() {
        RouterHarness h = new RouterHarness();
        h.builder.tracer(command -> new RequestTrace() {
            @Override
            public String traceId() {
                throw new IllegalStateException("tracing down");
            }

            @Override
            public AttemptTrace attempt(Candidate candidate, int number, Duration backoffWaited) {
                throw new IllegalStateException("tracing down");
            }

            @Override
            public void ended(Optional<UsageRecord> record, long reservedTokens, Money reservedCost, boolean settled) {
                throw new IllegalStateException("tracing down");
            }
        });

        ChatOutcome served = h.router().complete(ask("gpt-4o"));

        assertThat(served).isInstanceOf(ChatOutcome.Served.class);
        assertThat(h.ledger.all()).singleElement().extracting(UsageRecord::traceId).isEqualTo("");
        assertThat(h.endpoint.calls()).extracting(ChatCall::traceparent).containsExactly("");
    }

    @Test
    void without_a_tracer_no_call_carries_a_traceparent_and_no_record_a_trace_id() {
        RouterHarness h = new RouterHarness();

        h.router().complete(ask("gpt-4o"));

        assertThat(h.endpoint.calls()).extracting(ChatCall::traceparent).containsExactly("");
        assertThat(h.ledger.all()).singleElement().extracting(UsageRecord::traceId).isEqualTo("");
    }
}

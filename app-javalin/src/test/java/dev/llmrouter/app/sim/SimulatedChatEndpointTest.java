package dev.llmrouter.app.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmrouter.domain.catalog.ExampleCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.failure.FailureKind;
import dev.llmrouter.domain.fixtures.Fixtures;
import dev.llmrouter.domain.money.TokenUsage;
import dev.llmrouter.domain.routing.Candidate;
import dev.llmrouter.ports.chat.ChatCall;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatReply;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.ChatStream;
import dev.llmrouter.ports.chat.EndpointException;
import dev.llmrouter.ports.chat.StreamChunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Requirement 3.5: simulated deployments answer like Azure OpenAI, with consistent usage and seeded faults. */
@DisplayName("Requirement 3.5 — simulated deployments")
class SimulatedChatEndpointTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-01-02T03:04:05Z"));
    static final ModelSpec GPT4O = ExampleCatalog.create().model("gpt-4o").orElseThrow();
    static final Candidate CANDIDATE = new Candidate(
            Fixtures.deployment("gpt-4o-eastus", "gpt-4o", Fixtures.EASTUS, ChainRole.PRIMARY), GPT4O, GPT4O.tier(), false);
    static final String BODY = """
            {"model":"premium","messages":[{"role":"system","content":"Be brief."},
             {"role":"user","content":"Where is the nearest  library?"}]}""";

    static ChatCall call(ChatRequest request) {
        return new ChatCall(CANDIDATE, request, 0, Duration.ofSeconds(10), "req-1");
    }

    static JsonNode json(byte[] bytes) throws Exception {
        return JSON.readTree(bytes);
    }

    /** Records every pause instead of sleeping. */
    static final class RecordingPacer implements Pacer {
        final List<Duration> pauses = new ArrayList<>();

        @Override
        public void pause(Duration duration) {
            pauses.add(duration);
        }
    }

    static List<StreamChunk> drain(ChatStream stream) {
        List<StreamChunk> chunks = new ArrayList<>();
        for (Optional<StreamChunk> c = stream.next(); c.isPresent(); c = stream.next()) {
            chunks.add(c.get());
        }
        return chunks;
    }

    @Nested
    class Answers {
        private final RecordingPacer pacer = new RecordingPacer();
        private final SimulatedChatEndpoint endpoint = new SimulatedChatEndpoint(SimulationProfile.healthy(1), CLOCK, pacer);

        @Test
        void a_chat_completion_has_the_azure_shape_and_echoes_the_last_user_message() throws Exception {
            ChatReply reply = endpoint.complete(call(ChatRequest.chat(BODY)));
            JsonNode body = json(reply.body());

            assertThat(body.path("id").asText()).startsWith("chatcmpl-");
            assertThat(body.path("object").asText()).isEqualTo("chat.completion");
            assertThat(body.path("created").asLong()).isEqualTo(CLOCK.instant().getEpochSecond());
            assertThat(body.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(body.path("prompt_filter_results").get(0).path("content_filter_results").path("hate")
                    .path("filtered").asBoolean(true)).isFalse();
            JsonNode choice = body.path("choices").get(0);
            assertThat(choice.path("index").asInt(-1)).isZero();
            assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
            assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
            assertThat(choice.path("message").path("content").asText())
                    .contains("You said: \"Where is the nearest library?\"").contains("gpt-4o-eastus").contains("eastus");
            assertThat(choice.path("content_filter_results").path("violence").path("severity").asText()).isEqualTo("safe");
            assertThat(pacer.pauses).containsExactly(SimulationProfile.DEFAULT_LATENCY);
        }

        @Test
        void usage_is_consistent_completion_tokens_are_the_answer_pieces_and_prompt_tokens_follow_the_request_size()
                throws Exception {
            ChatReply reply = endpoint.complete(call(ChatRequest.chat(BODY)));
            JsonNode usage = json(reply.body()).path("usage");
            String content = json(reply.body()).path("choices").get(0).path("message").path("content").asText();

            assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(reply.usage().inputTokens());
            assertThat(usage.path("completion_tokens").asLong()).isEqualTo(reply.usage().outputTokens())
                    .isEqualTo(SimulatedChatEndpoint.pieces(content).size());
            assertThat(usage.path("total_tokens").asLong()).isEqualTo(reply.usage().totalTokens());

            String longer = BODY.replace("Be brief.", "Be brief. ".repeat(100));
            TokenUsage longerUsage = endpoint.complete(call(ChatRequest.chat(longer))).usage();
            assertThat(longerUsage.inputTokens()).isGreaterThan(reply.usage().inputTokens() + 200);
        }

        @Test
        void a_stream_is_role_chunk_content_deltas_finish_chunk_then_the_usage_chunk() throws Exception {
            String full = json(endpoint.complete(call(ChatRequest.chat(BODY))).body())
                    .path("choices").get(0).path("message").path("content").asText();
            pacer.pauses.clear();

            ChatStream stream = endpoint.openStream(call(ChatRequest.chat(BODY).streaming(true)));
            List<StreamChunk> chunks = drain(stream);

            JsonNode role = json(chunks.get(0).data());
            assertThat(role.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(role.path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
            assertThat(chunks.get(0).hasContent()).isFalse();

            List<StreamChunk> content = chunks.subList(1, chunks.size() - 2);
            assertThat(content).allMatch(StreamChunk::hasContent).allMatch(c -> c.usage().isEmpty());
            StringBuilder text = new StringBuilder();
            for (StreamChunk c : content) {
                JsonNode choice = json(c.data()).path("choices").get(0);
                assertThat(choice.path("finish_reason").isNull()).isTrue();
                text.append(choice.path("delta").path("content").asText());
            }
            assertThat(text.toString()).isEqualTo(full);

            JsonNode finish = json(chunks.get(chunks.size() - 2).data()).path("choices").get(0);
            assertThat(finish.path("finish_reason").asText()).isEqualTo("stop");
            assertThat(finish.path("delta").size()).isZero();

            StreamChunk last = chunks.get(chunks.size() - 1);
            JsonNode usageChunk = json(last.data());
            assertThat(last.usageOnly()).isTrue();
            assertThat(usageChunk.path("choices").isArray()).isTrue();
            assertThat(usageChunk.path("choices")).isEmpty();
            assertThat(usageChunk.path("usage").path("completion_tokens").asLong()).isEqualTo(content.size());
            assertThat(last.usage()).contains(stream.usage());
            assertThat(stream.usageReported()).isTrue();
            assertThat(stream.usage().outputTokens()).isEqualTo(content.size());
            assertThat(json(chunks.get(1).data()).path("id").asText()).isEqualTo(role.path("id").asText());
            assertThat(stream.next()).isEmpty();
            // The first-byte latency, then the small real delay between content chunks.
            assertThat(pacer.pauses).hasSize(content.size()).first().isEqualTo(SimulationProfile.DEFAULT_LATENCY);
            assertThat(pacer.pauses.subList(1, pacer.pauses.size())).containsOnly(SimulationProfile.DEFAULT_CHUNK_DELAY);
        }

        @Test
        void text_completions_have_their_own_shape_in_replies_and_streams() throws Exception {
            ChatRequest request = new ChatRequest(ChatOperation.TEXT_COMPLETION,
                    "{\"prompt\":\"Once upon a time\"}".getBytes(StandardCharsets.UTF_8), false, false, 0, 0);

            JsonNode body = json(endpoint.complete(call(request)).body());
            assertThat(body.path("object").asText()).isEqualTo("text_completion");
            assertThat(body.path("id").asText()).startsWith("cmpl-");
            assertThat(body.path("choices").get(0).path("text").asText()).contains("Once upon a time");

            List<StreamChunk> chunks = drain(endpoint.openStream(call(request.streaming(false))));
            assertThat(json(chunks.get(0).data()).path("choices").get(0).has("text")).isTrue();
            assertThat(chunks.get(0).hasContent()).isTrue();
            assertThat(json(chunks.get(chunks.size() - 1).data()).path("usage").path("prompt_tokens").asLong()).isPositive();
        }

        @Test
        void the_output_cap_cuts_the_answer_with_finish_reason_length() throws Exception {
            ChatCall capped = new ChatCall(CANDIDATE, ChatRequest.chat(BODY), 3, Duration.ofSeconds(10), "r");

            ChatReply reply = endpoint.complete(capped);

            assertThat(reply.usage().outputTokens()).isEqualTo(3);
            assertThat(json(reply.body()).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
            assertThat(drain(endpoint.openStream(capped))).filteredOn(StreamChunk::hasContent).hasSize(3);
        }

        @Test
        void n_choices_each_carry_the_answer_and_usage_counts_all_of_them() throws Exception {
            String twoChoices = BODY.replace("\"model\":\"premium\"", "\"model\":\"premium\",\"n\":2");
            ChatReply one = endpoint.complete(call(ChatRequest.chat(BODY)));
            ChatReply two = endpoint.complete(call(ChatRequest.chat(twoChoices)));

            JsonNode choices = json(two.body()).path("choices");
            assertThat(choices).hasSize(2);
            assertThat(choices.get(1).path("index").asInt()).isEqualTo(1);
            assertThat(two.usage().outputTokens()).isEqualTo(2 * one.usage().outputTokens());

            ChatStream stream = endpoint.openStream(call(ChatRequest.chat(twoChoices).streaming(true)));
            List<StreamChunk> chunks = drain(stream);
            assertThat(chunks).filteredOn(StreamChunk::hasContent).hasSize((int) two.usage().outputTokens());
            assertThat(stream.usage()).isEqualTo(two.usage());
        }

        @Test
        void images_add_to_the_prompt_tokens() {
            long plain = endpoint.complete(call(ChatRequest.chat(BODY))).usage().inputTokens();
            long withImages = endpoint.complete(call(ChatRequest.chat(BODY).withImageCount(2))).usage().inputTokens();

            assertThat(withImages - plain).isEqualTo(2L * SimulatedChatEndpoint.TOKENS_PER_IMAGE);
        }
    }

    @Nested
    class Faults {

        private Map<FailureKind, Integer> run(SimulatedChatEndpoint endpoint, int calls) {
            Map<FailureKind, Integer> counts = new EnumMap<>(FailureKind.class);
            int ok = 0;
            for (int i = 0; i < calls; i++) {
                try {
                    endpoint.complete(call(ChatRequest.chat(BODY)));
                    ok++;
                } catch (EndpointException e) {
                    counts.merge(e.failure().kind(), 1, Integer::sum);
                }
            }
            counts.put(FailureKind.STREAM_INTERRUPTED, ok); // successes, counted under a kind complete() never throws
            return counts;
        }

        @Test
        void over_a_seeded_run_the_fault_rates_are_honoured_within_four_standard_deviations() {
            SimulationProfile profile = SimulationProfile.instant(7).withFaults(0.20, 0.10, 0.0);
            int n = 4_000;

            Map<FailureKind, Integer> counts = run(new SimulatedChatEndpoint(profile, CLOCK, Pacer.NONE), n);

            // Binomial: sd = sqrt(n p (1-p)); 4 sd keeps this test from ever flaking on a fixed seed.
            assertThat((double) counts.getOrDefault(FailureKind.SERVER_ERROR, 0)).isCloseTo(n * 0.20, within(4 * Math.sqrt(n * 0.2 * 0.8)));
            assertThat((double) counts.getOrDefault(FailureKind.THROTTLED, 0)).isCloseTo(n * 0.10, within(4 * Math.sqrt(n * 0.1 * 0.9)));
            assertThat((double) counts.get(FailureKind.STREAM_INTERRUPTED)).isCloseTo(n * 0.70, within(4 * Math.sqrt(n * 0.7 * 0.3)));
        }

        @Test
        void the_same_seed_gives_the_same_faults() {
            SimulationProfile profile = SimulationProfile.instant(99).withFaults(0.3, 0.2, 0.0);

            assertThat(run(new SimulatedChatEndpoint(profile, CLOCK, Pacer.NONE), 300))
                    .isEqualTo(run(new SimulatedChatEndpoint(profile, CLOCK, Pacer.NONE), 300));
        }

        @Test
        void a_5xx_is_a_server_error_and_a_429_carries_its_retry_after() {
            SimulatedChatEndpoint failing = new SimulatedChatEndpoint(SimulationProfile.instant(1).withFaults(1, 0, 0), CLOCK, Pacer.NONE);
            SimulatedChatEndpoint throttling = new SimulatedChatEndpoint(SimulationProfile.instant(1).withFaults(0, 1, 0), CLOCK, Pacer.NONE);

            assertThatThrownBy(() -> failing.complete(call(ChatRequest.chat(BODY))))
                    .isInstanceOfSatisfying(EndpointException.class, e -> {
                        assertThat(e.failure().kind()).isEqualTo(FailureKind.SERVER_ERROR);
                        assertThat(e.failure().status()).isIn(500, 503);
                        assertThat(e.failure().body()).contains("\"error\"");
                    });
            assertThatThrownBy(() -> throttling.openStream(call(ChatRequest.chat(BODY).streaming(true))))
                    .isInstanceOfSatisfying(EndpointException.class, e -> {
                        assertThat(e.failure().kind()).isEqualTo(FailureKind.THROTTLED);
                        assertThat(e.failure().status()).isEqualTo(429);
                        assertThat(e.failure().retryAfter()).contains(SimulationProfile.DEFAULT_RETRY_AFTER);
                    });
        }

        @Test
        void a_slow_answer_takes_its_latency_and_one_slower_than_the_timeout_times_out() {
            RecordingPacer pacer = new RecordingPacer();
            SimulationProfile slow = new SimulationProfile(Duration.ofMillis(10), Duration.ZERO, 0, 0,
                    Duration.ofSeconds(1), 1.0, Duration.ofSeconds(3), 0, 5);
            SimulatedChatEndpoint endpoint = new SimulatedChatEndpoint(slow, CLOCK, pacer);

            endpoint.complete(new ChatCall(CANDIDATE, ChatRequest.chat(BODY), 0, Duration.ofSeconds(5), "r"));
            assertThat(pacer.pauses).containsExactly(Duration.ofSeconds(3));

            assertThatThrownBy(() -> endpoint.complete(new ChatCall(CANDIDATE, ChatRequest.chat(BODY), 0, Duration.ofSeconds(2), "r")))
                    .isInstanceOfSatisfying(EndpointException.class,
                            e -> assertThat(e.failure().kind()).isEqualTo(FailureKind.TIMEOUT));
            assertThat(pacer.pauses).endsWith(Duration.ofSeconds(2));
        }

        @Test
        void a_cut_stream_fails_after_content_was_sent_and_meters_what_was_sent() {
            SimulatedChatEndpoint cutting = new SimulatedChatEndpoint(
                    SimulationProfile.instant(3).withStreamCutRate(1.0), CLOCK, Pacer.NONE);
            ChatStream stream = cutting.openStream(call(ChatRequest.chat(BODY).streaming(true)));

            List<StreamChunk> received = new ArrayList<>();
            assertThatThrownBy(() -> {
                for (Optional<StreamChunk> c = stream.next(); c.isPresent(); c = stream.next()) {
                    received.add(c.get());
                }
            }).isInstanceOfSatisfying(EndpointException.class,
                    e -> assertThat(e.failure().kind()).isEqualTo(FailureKind.CONNECTION_RESET));

            long contentSent = received.stream().filter(StreamChunk::hasContent).count();
            assertThat(contentSent).isPositive();
            assertThat(stream.usageReported()).isFalse();
            assertThat(stream.usage().outputTokens()).isEqualTo(contentSent);
            assertThat(stream.next()).isEmpty();
        }

        @Test
        void a_closed_stream_ends() {
            SimulatedChatEndpoint endpoint = new SimulatedChatEndpoint(SimulationProfile.instant(3), CLOCK, Pacer.NONE);
            ChatStream stream = endpoint.openStream(call(ChatRequest.chat(BODY).streaming(false)));
            stream.next();

            stream.close();

            assertThat(stream.next()).isEmpty();
        }
    }
}

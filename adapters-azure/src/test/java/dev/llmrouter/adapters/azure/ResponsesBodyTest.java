package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.adapters.azure.ChatBodyReader.Field;
import dev.llmrouter.adapters.azure.ChatBodyReader.Kind;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.ports.chat.BodyIndex.OwnedMember;
import dev.llmrouter.ports.chat.ChatOperation;
import dev.llmrouter.ports.chat.ChatRequest;
import dev.llmrouter.ports.chat.PromptEstimate;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 8.2 for the Responses API's body, with the bounded estimate of the prompt: the one parse reads {@code input} (a string
 * or items with {@code input_text}/{@code input_image} parts), {@code instructions},
 * {@code max_output_tokens} and {@code previous_response_id}; the bounded estimator counts the input and
 * the instructions (never less than their tokens); the body sent on is the caller's with only the
 * router's members changed.
 */
@DisplayName("Requirement 8.2: the Responses API body read, estimated and rewritten")
class ResponsesBodyTest {

    static final ChatBodyReader READER = new ChatBodyReader(1 << 20);

    static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void the_fields_the_gateway_acts_on_are_read() throws Exception {
        ChatBodyReader.Read read = READER.read(ChatOperation.RESPONSES, bytes("""
                {"model":"gpt-4o","instructions":"Be brief.","previous_response_id":"resp_abc","max_output_tokens":64,
                 "stream":true,"store":false,"tools":[{"type":"function","name":"f","parameters":{}}],
                 "input":[{"role":"user","content":[{"type":"input_text","text":"What is this?"},
                          {"type":"input_image","image_url":"https://example.com/cat.png","detail":"low"}]},
                          {"type":"function_call_output","call_id":"c1","output":"42"}]}"""));

        assertThat(read.problem()).isNull();
        assertThat(read.images()).isEqualTo(1);
        assertThat(read.value(Field.INPUT).kind()).isEqualTo(Kind.ARRAY);
        assertThat(read.value(Field.INPUT).number()).isEqualTo(2);
        assertThat(read.value(Field.INSTRUCTIONS).kind()).isEqualTo(Kind.STRING);
        assertThat(read.value(Field.PREVIOUS_RESPONSE_ID).text()).isEqualTo("resp_abc");
        assertThat(read.value(Field.MAX_OUTPUT_TOKENS).number()).isEqualTo(64);
        assertThat(read.index().has(OwnedMember.MAX_OUTPUT_TOKENS)).isTrue();
        assertThat(read.index().has(OwnedMember.MODEL)).isTrue();
        assertThat(READER.request(ChatOperation.RESPONSES, bytes("{\"input\":\"x\",\"max_output_tokens\":64}"))
                .maxOutputTokens()).isEqualTo(64);
    }

    @Test
    void a_part_without_a_type_is_reported_at_its_path() throws Exception {
        ChatBodyReader.Read read = READER.read(ChatOperation.RESPONSES,
                bytes("{\"input\":[{\"role\":\"user\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}"));

        assertThat(read.problem().param()).isEqualTo("input[1].content[0].type");
    }

    @Test
    void the_estimate_counts_the_input_and_the_instructions() {
        String input = "The quick brown fox jumps over the lazy dog. ".repeat(40);
        String instructions = "Answer in the voice of a pirate, in three sentences at most. ".repeat(20);
        TokenizerEstimator estimator = new TokenizerEstimator();
        TokenEncoding enc = TokenEncoding.O200K_BASE;

        PromptEstimate plain = estimator.estimate(READER.request(ChatOperation.RESPONSES,
                bytes("{\"input\":\"" + input + "\"}")), enc);
        PromptEstimate withInstructions = estimator.estimate(READER.request(ChatOperation.RESPONSES,
                bytes("{\"instructions\":\"" + instructions + "\",\"input\":\"" + input + "\"}")), enc);
        PromptEstimate asItems = estimator.estimate(READER.request(ChatOperation.RESPONSES,
                bytes("{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"" + input + "\"}]}]}")), enc);

        long inputTokens = Tokenizers.count(enc, input);
        long instructionTokens = Tokenizers.count(enc, instructions);
        assertThat(plain.expectedTokens()).isGreaterThanOrEqualTo(inputTokens);
        assertThat(withInstructions.expectedTokens()).isGreaterThanOrEqualTo(inputTokens + instructionTokens);
        assertThat(asItems.expectedTokens()).isGreaterThanOrEqualTo(inputTokens);
        assertThat(withInstructions.maxTokens()).isGreaterThanOrEqualTo(withInstructions.expectedTokens());
    }

    @Test
    void the_body_sent_on_names_the_deployment_and_carries_the_cap_and_nothing_else_changes() {
        ChatRequest request = READER.request(ChatOperation.RESPONSES, bytes(
                "{\"model\":\"premium\", \"input\":\"Hi\",\"max_output_tokens\":5000,\"stream\":true,"
                        + "\"stream_options\":{\"include_obfuscation\":false},\"x\":1.50}"));

        String plain = new String(RequestBodies.prepare(request, 300, false, false, "gpt4o-east"), StandardCharsets.UTF_8);
        String streamed = new String(RequestBodies.prepare(request, 300, true, false, "gpt4o-east"), StandardCharsets.UTF_8);

        assertThat(plain).isEqualTo("{\"input\":\"Hi\",\"stream_options\":{\"include_obfuscation\":false},\"x\":1.50,"
                + "\"max_output_tokens\":300,\"model\":\"gpt4o-east\",\"stream\":false}");
        assertThat(streamed).isEqualTo("{\"input\":\"Hi\",\"stream_options\":{\"include_obfuscation\":false},\"x\":1.50,"
                + "\"max_output_tokens\":300,\"model\":\"gpt4o-east\",\"stream\":true}");
    }
}

package dev.llmrouter.adapters.azure;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.llmrouter.ports.chat.ChatRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 2.2: the router changes only what it owns in the caller's JSON (the output cap, and for
 * streams {@code stream}/{@code stream_options}); every other member is passed on byte for byte.
 */
@DisplayName("Requirement 2.2: the caller's JSON passes through; only the cap and stream flags change")
class RequestBodiesTest {

    static String prepare(String body, int cap, boolean stream) {
        return new String(RequestBodies.prepare(AzureFixtures.chat(body), cap, stream), StandardCharsets.UTF_8);
    }

    @Test
    void caps_max_tokens_and_keeps_everything_else_verbatim() {
        String body = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"a \\\"quoted\\\" }{ text\"}],\n"
                + "  \"max_tokens\": 9000, \"temperature\": 1.50, \"logit_bias\": {\"50256\": -100}, \"n\": 1e0 }";

        // Only the owned member and its comma are cut: the bytes around it, spacing included, stay.
        assertThat(prepare(body, 100, false)).isEqualTo(
                "{\"messages\" : [{\"role\":\"user\",\"content\":\"a \\\"quoted\\\" }{ text\"}],"
                        + "\"temperature\": 1.50, \"logit_bias\": {\"50256\": -100}, \"n\": 1e0,\"max_tokens\":100}");
    }

    @Test
    void an_owned_member_is_found_however_its_key_is_escaped() {
        // The parse decodes keys as a deployment will: an escaped max_tokens is still the caller's cap.
        assertThat(prepare("{\"max\\u005ftokens\":9000,\"a\":1}", 100, false)).isEqualTo("{\"a\":1,\"max_tokens\":100}");
    }

    @Test
    void a_body_that_needs_no_change_is_sent_as_it_is() {
        ChatRequest request = AzureFixtures.chat(" {\"a\": 1} ");
        assertThat(RequestBodies.prepare(request, 0, false)).isSameAs(request.body());
    }

    @Test
    void a_body_built_by_hand_is_parsed_here_once_and_prepared_the_same() {
        String body = "{\"a\":1,\"max_tokens\":900}";

        assertThat(new String(RequestBodies.prepare(ChatRequest.chat(body), 7, false), UTF_8))
                .isEqualTo(new String(RequestBodies.prepare(AzureFixtures.chat(body), 7, false), UTF_8))
                .isEqualTo("{\"a\":1,\"max_tokens\":7}");
        assertThatThrownBy(() -> RequestBodies.prepare(ChatRequest.chat("[1]"), 1, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stream_requests_the_usage_chunk_and_a_zero_cap_leaves_the_callers_cap() {
        assertThat(prepare("{\"prompt\":\"x\",\"max_tokens\":5,\"stream_options\":{\"include_usage\":false},\"stream\":false}", 0, true))
                .isEqualTo("{\"prompt\":\"x\",\"max_tokens\":5,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(prepare("{}", 10, true)).isEqualTo("{\"max_tokens\":10,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(prepare("{\"stream\":true,\"a\":1}", 0, false)).isEqualTo("{\"a\":1,\"stream\":false}");
    }

    @Test
    void a_body_that_is_not_a_json_object_is_refused() {
        assertThatThrownBy(() -> prepare("[1,2]", 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> prepare("{\"a\":", 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> prepare("{\"a\":\"unterminated}", 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> prepare("{\"a\":1} trailing", 1, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void any_member_the_router_does_not_own_survives_byte_for_byte() {
        // Property: for any set of members with arbitrary string values (escapes, braces, unicode),
        // the prepared body parses to the same members plus the cap, and each value's text is unchanged.
        qt().withExamples(200)
                .forAll(lists().of(strings().betweenCodePoints(0x20, 0xD7FF).ofLengthBetween(0, 20)).ofSizeBetween(0, 6),
                        integers().between(1, 100_000))
                .checkAssert((values, cap) -> {
                    List<String> members = new ArrayList<>();
                    for (int i = 0; i < values.size(); i++) {
                        members.add("\"k" + i + "\":{\"v\":" + TokenizerEstimatorTest.jsonString(values.get(i)) + ",\"n\":[" + i + ",1.0]}");
                    }
                    String body = "{" + String.join(",", members) + (members.isEmpty() ? "" : ",") + "\"max_tokens\":1}";

                    String out = prepare(body, cap, false);

                    for (String m : members) {
                        assertThat(out).contains(m);
                    }
                    Map<String, Object> parsed = Json.object(Json.parse(out.getBytes(StandardCharsets.UTF_8)));
                    assertThat(parsed).hasSize(values.size() + 1);
                    assertThat(Json.number(parsed.get("max_tokens"))).isEqualTo((long) cap);
                    for (int i = 0; i < values.size(); i++) {
                        assertThat(Json.object(parsed.get("k" + i)).get("v")).isEqualTo(values.get(i));
                    }
                });
    }
}

package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.domain.money.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requirement 2.5 (usage as the deployment reported it): the streaming usage scan of a 2xx answer
 * either reads exactly what the full parse reads, or declines (null) so that the full parse decides;
 * Requirement 8.4: both read every token kind the usage object reports.
 */
@DisplayName("Requirement 2.5: the streaming usage scan agrees with the full parse or defers to it")
class JsonUsageScanTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"hi \\\"there\\\"\"}}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}",
            "{\"usage\":{\"prompt_tokens_details\":{\"cached_tokens\":4},\"completion_tokens\":7,\"prompt_tokens\":2}}",
            "{\"usage\":{}}",
            "{\"usage\":{\"prompt_tokens\":-4,\"completion_tokens\":null}}",
            "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2},\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6}}",
            " {\"a\":[1,2,{\"b\":null}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1}} ",
            "{\"usage\":{\"prompt_tokens\":2000,\"completion_tokens\":900,\"prompt_tokens_details\":{\"cached_tokens\":1536,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":640,\"accepted_prediction_tokens\":0}}}",
            "{\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":20,\"cache_write_tokens\":30}}}",
            "{\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cache_creation_tokens\":30}}}",
            "{\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cache_write_tokens\":null,\"cache_creation_tokens\":30}}}",
            "{\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":7},\"prompt_tokens_details\":null,\"completion_tokens_details\":{\"reasoning_tokens\":99}}}",
            "{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"prompt_tokens_details\":{\"cached_tokens\":70},\"completion_tokens_details\":{\"reasoning_tokens\":-3}}}",
    })
    void reads_what_the_full_parse_reads(String json) {
        // given an answer with a usage object of plain integers
        byte[] body = json.getBytes(StandardCharsets.UTF_8);

        // when it is scanned
        TokenUsage scanned = Json.scanUsage(body);

        // then the scan gives the full parse's usage
        Optional<TokenUsage> parsed = Json.usage(Json.object(Json.parse(body)));
        assertThat(parsed).isPresent();
        assertThat(scanned).isEqualTo(parsed.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "[]", "{}", "not json", "{\"usage\":{\"prompt_tokens\":1}", "{\"usage\":{\"prompt_tokens\":1}} trailing",
            "{\"id\":\"x\"}", "{\"usage\":null}", "{\"usage\":{\"prompt_tokens\":1},\"usage\":3}",
            "{\"usage\":{\"prompt_tokens\":1.5}}", "{\"usage\":{\"prompt_tokens\":\"7\"}}",
            "{\"usage\":{\"prompt_tokens\":12345678901234567890}}",
            "{\"usage\":{\"prompt_tokens\":1,\"prompt_tokens_details\":3}}",
            "{\"usage\":{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":0.5}}}",
    })
    void defers_to_the_full_parse(String json) {
        // given an answer without a usage object of plain integers, or not a well-formed JSON object
        // when it is scanned, then the scan declines
        assertThat(Json.scanUsage(json.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    @DisplayName("Requirement 8.4: cached, cache-write and reasoning tokens are read as shares of their totals")
    void every_kind_is_read() {
        String json = "{\"usage\":{\"prompt_tokens\":2000,\"completion_tokens\":900,\"total_tokens\":2900,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":1536,\"cache_write_tokens\":64},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":640}}}";
        assertThat(Json.scanUsage(json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new TokenUsage(2000, 900, 1536, 64, 640));
        String tooMany = "{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":70},\"completion_tokens_details\":{\"reasoning_tokens\":9}}}";
        assertThat(Json.scanUsage(tooMany.getBytes(StandardCharsets.UTF_8)))
                .as("a share larger than its total is cut to it; the total is believed")
                .isEqualTo(new TokenUsage(10, 5, 10, 0, 5));
    }

    @Test
    void an_empty_usage_object_counts_zero() {
        assertThat(Json.scanUsage("{\"usage\":{}}".getBytes(StandardCharsets.UTF_8))).isEqualTo(new TokenUsage(0, 0));
    }
}

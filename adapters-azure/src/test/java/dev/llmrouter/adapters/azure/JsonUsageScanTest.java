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
 * either reads exactly what the full parse reads, or declines (null) so that the full parse decides.
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
    })
    void defers_to_the_full_parse(String json) {
        // given an answer without a usage object of plain integers, or not a well-formed JSON object
        // when it is scanned, then the scan declines
        assertThat(Json.scanUsage(json.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void an_empty_usage_object_counts_zero() {
        assertThat(Json.scanUsage("{\"usage\":{}}".getBytes(StandardCharsets.UTF_8))).isEqualTo(new TokenUsage(0, 0));
    }
}

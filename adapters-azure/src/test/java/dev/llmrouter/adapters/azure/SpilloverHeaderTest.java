package dev.llmrouter.adapters.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirements 8.5 and 9.1: Azure's {@code x-ms-spillover-from-deployment} is read as the deployment an
 * answer was spilled from, empty when absent; what reaches a usage record is printable ASCII of
 * bounded length, whatever the upstream sent.
 */
@DisplayName("Requirements 8.5/9.1: the spillover header, read bounded and printable")
class SpilloverHeaderTest {

    @Test
    void the_header_names_the_deployment_spilled_from() {
        assertThat(SpilloverHeader.spilledFrom(new HttpHeaders().set(SpilloverHeader.NAME, " gpt-4o-ptu ")))
                .isEqualTo("gpt-4o-ptu");
        assertThat(SpilloverHeader.spilledFrom(new HttpHeaders())).isEmpty();
        assertThat(SpilloverHeader.spilledFrom(null)).isEmpty();
    }

    @Test
    void what_reaches_a_record_is_bounded_and_printable() {
        String hostile = "ptu\u0000\u001b[31m\u00e9" + "x".repeat(10_000);

        String read = SpilloverHeader.spilledFrom(new HttpHeaders().set(SpilloverHeader.NAME, hostile));

        assertThat(read).hasSize(SpilloverHeader.MAX_LENGTH).startsWith("ptu??[31m?x");
        assertThat(read.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    }
}

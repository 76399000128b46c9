package dev.llmrouter.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CPU-time tool runs a benchmark's method with its parameters set, and measures something. */
@DisplayName("CpuTimePerCall: a benchmark method's CPU time and allocation per call")
class CpuTimePerCallTest {

    @Test
    void measures_the_admission_path_with_its_parameters() throws Exception {
        List<CpuTimePerCall.Round> rounds = CpuTimePerCall.measure(AdmissionPathBenchmark.class, "complete", 0, 2, 200,
                List.of("shape=residency", "ledger=counting"));

        assertThat(rounds).hasSize(2);
        assertThat(rounds).allSatisfy(r -> {
            assertThat(r.cpuNanos()).isPositive();
            assertThat(r.allocatedBytes()).isPositive();
        });
    }

    @Test
    void a_parameter_without_a_value_is_refused() {
        assertThatThrownBy(() -> CpuTimePerCall.measure(AdmissionPathBenchmark.class, "complete", 0, 1, 1,
                List.of("shape"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name=value");
    }
}

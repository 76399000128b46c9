package dev.llmrouter.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH benchmarks build and run: one short in-process iteration of each, as CI's smoke. The
 * figures of such a run mean nothing; real runs use {@code benchmarks/target/benchmarks.jar}.
 */
@DisplayName("JMH smoke: every benchmark class runs one short iteration")
class JmhSmokeTest {

    @Test
    void every_benchmark_runs() throws Exception {
        Options options = new OptionsBuilder()
                .include("dev\\.llmrouter\\.benchmarks\\.(Routing|Breaker|Quota|RateLimit|AdmissionPath)Benchmark\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .threads(1)
                .shouldFailOnError(true)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        assertThat(results).isNotEmpty();
        assertThat(results).extracting(r -> r.getParams().getBenchmark())
                .anyMatch(b -> b.contains("RoutingBenchmark"))
                .anyMatch(b -> b.contains("BreakerBenchmark"))
                .anyMatch(b -> b.contains("AdmissionPathBenchmark"));
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
    }
}

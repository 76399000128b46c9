package dev.llmrouter.benchmarks.overhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overhead harness works end to end: a few seconds at a low rate against the real gateway jar,
 * as CI's smoke of the full run (which is for people and the README, not for CI).
 */
@DisplayName("Overhead harness smoke: the real gateway jar in front of the fake upstream")
class OverheadHarnessSmokeTest {

    private static final Path JAR = Path.of("../app-javalin/target/llm-router.jar");

    @Test
    void a_quick_run_serves_every_request_through_the_gateway_and_writes_its_report(@TempDir Path out) throws Exception {
        assumeTrue(Files.exists(JAR), "the gateway jar is built by the package phase (./mvnw verify)");

        OverheadHarness.Report report = OverheadHarness.run(OverheadHarness.Options.parse(
                new String[] {"--quick", "--jar", JAR.toString(), "--out", out.toString()}));

        assertThat(report.healthy()).as(report.markdown()).isTrue();
        assertThat(report.pairs()).allSatisfy(p -> {
            assertThat(p.direct().ok()).isEqualTo(p.direct().sent());
            assertThat(p.gateway().ok()).isEqualTo(p.gateway().sent());
        });
        assertThat(report.streamGateway().ok()).isEqualTo(report.streamGateway().sent());
        assertThat(report.hold().opened()).isPositive();
        assertThat(report.embeddings().direct().ok()).isPositive().isEqualTo(report.embeddings().direct().sent());
        assertThat(report.embeddings().gateway().ok()).isPositive().isEqualTo(report.embeddings().gateway().sent());
        assertThat(report.responses().gateway().ok()).isEqualTo(report.responses().gateway().sent()).isPositive();
        assertThat(report.responses().streamGateway().ok()).isEqualTo(report.responses().streamGateway().sent()).isPositive();
        assertThat(out.resolve("overhead.json")).content().contains("\"rates\":[{\"rate\":100")
                .contains("\"embeddings\":{\"rate\":100");
        assertThat(out.resolve("overhead.md")).content().contains("| rate (req/s) |").contains("Embeddings at 100 req/s")
                .contains("Responses API at ");
    }

    @Test
    void a_chat_only_run_measures_chat_and_streams_and_leaves_the_embeddings_and_responses_rows_out(@TempDir Path out)
            throws Exception {
        assumeTrue(Files.exists(JAR), "the gateway jar is built by the package phase (./mvnw verify)");

        OverheadHarness.Report report = OverheadHarness.run(OverheadHarness.Options.parse(
                new String[] {"--quick", "--chat-only", "--jar", JAR.toString(), "--out", out.toString()}));

        assertThat(report.healthy()).as(report.markdown()).isTrue();
        assertThat(report.pairs()).allSatisfy(p -> assertThat(p.gateway().ok()).isEqualTo(p.gateway().sent()).isPositive());
        assertThat(report.streamGateway().ok()).isEqualTo(report.streamGateway().sent());
        assertThat(report.embeddings()).isNull();
        assertThat(report.responses()).isNull();
        assertThat(out.resolve("overhead-gateway.yaml")).content().doesNotContain("bench-embeddings")
                .doesNotContain("text-embedding-3-small");
        assertThat(out.resolve("overhead.json")).content().contains("\"embeddings\":null").contains("\"responses\":null");
        assertThat(out.resolve("overhead.md")).content().contains("| rate (req/s) |").doesNotContain("Embeddings at")
                .doesNotContain("Responses API at ");
    }
}

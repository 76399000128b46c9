package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmrouter.domain.plan.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 9.3, configured: {@code server.body-read-timeout}, {@code server.body-min-bytes-per-second},
 * {@code server.max-connections} and a plan's {@code max-concurrent-requests} are read from the file, have
 * bounded defaults when absent, and a value out of range is reported at its path.
 */
@DisplayName("Requirement 9.3: slow-client settings are read, defaulted and validated")
class SlowClientSettingsConfigTest {

    private static String embeddedText() throws IOException {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(ConfigLoader.EMBEDDED_DEFAULT)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static GatewayConfig parse(String yaml) {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "test.yaml");
    }

    @Test
    void the_embedded_default_bounds_bodies_connections_and_every_plan() {
        GatewayConfig config = ConfigLoader.fromSystemEnvironment().loadEmbeddedDefault();

        assertThat(config.server().bodyReadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.server().bodyMinBytesPerSecond()).isEqualTo(65_536);
        assertThat(config.server().maxConnections()).isEqualTo(4_096);
        assertThat(config.plans().get("free").maxConcurrentRequests()).isEqualTo(4);
        assertThat(config.plans().get("pro").maxConcurrentRequests()).isEqualTo(32);
        assertThat(config.plans().get("enterprise").maxConcurrentRequests()).isEqualTo(256);
    }

    @Test
    void the_example_fleet_bounds_every_plan() {
        GatewayConfig config = new ConfigLoader(AzureFleetExampleConfigTest.env()::get).load(AzureFleetExampleConfigTest.EXAMPLE);

        assertThat(config.plans().values()).allSatisfy(plan ->
                assertThat(plan.maxConcurrentRequests()).isLessThan(Plan.UNLIMITED_CONCURRENCY));
        assertThat(config.server().maxConnections()).isEqualTo(4_096);
    }

    @Test
    void absent_settings_take_the_defaults_and_an_absent_plan_bound_is_unlimited() throws IOException {
        String text = embeddedText()
                .replaceAll("(?m)^  body-read-timeout:.*\\n", "")
                .replaceAll("(?m)^  body-min-bytes-per-second:.*\\n", "")
                .replaceAll("(?m)^  max-connections:.*\\n", "")
                .replace("    max-concurrent-requests: 4\n", "");

        GatewayConfig config = parse(text);

        assertThat(config.server().bodyRead()).isEqualTo(dev.llmrouter.app.http.BodyReadLimits.DEFAULT);
        assertThat(config.server().maxConnections()).isEqualTo(ServerSettings.DEFAULT_MAX_CONNECTIONS);
        assertThat(config.plans().get("free").maxConcurrentRequests()).isEqualTo(Plan.UNLIMITED_CONCURRENCY);
    }

    @Test
    void values_out_of_range_are_reported_at_their_paths() throws IOException {
        String text = embeddedText()
                .replaceAll("(?m)^  body-read-timeout:.*$", "  body-read-timeout: 0s")
                .replaceAll("(?m)^  body-min-bytes-per-second:.*$", "  body-min-bytes-per-second: 0")
                .replaceAll("(?m)^  max-connections:.*$", "  max-connections: lots")
                .replace("    max-concurrent-requests: 4\n", "    max-concurrent-requests: 0\n");

        assertThatThrownBy(() -> parse(text)).isInstanceOfSatisfying(InvalidConfigException.class, e ->
                assertThat(e.problems().stream().map(ConfigProblem::toString).toList())
                        .anySatisfy(p -> assertThat(p).startsWith("server.body-read-timeout"))
                        .anySatisfy(p -> assertThat(p).startsWith("server.body-min-bytes-per-second"))
                        .anySatisfy(p -> assertThat(p).startsWith("server.max-connections"))
                        .anySatisfy(p -> assertThat(p).contains("plans[0].max-concurrent-requests")));
    }
}

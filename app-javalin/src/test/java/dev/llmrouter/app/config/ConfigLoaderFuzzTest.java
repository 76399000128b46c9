package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Requirement 3.4 (an invalid configuration is reported, every problem by its path), fuzzed: whatever
 * text a configuration file holds, after {@link EnvSubstitution}, {@link ConfigLoader#parse} answers a
 * {@link GatewayConfig} or throws {@link InvalidConfigException} listing at least one problem, and its
 * report can be printed. Never another exception: the gateway would stop with a stack trace instead of
 * the report and exit status 2.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the inputs under
 * {@code src/test/resources/dev/llmrouter/app/config/ConfigLoaderFuzzTestInputs/yaml/}; with
 * {@code -Pfuzz} it searches for new ones (see the README's "Fuzzing").
 */
class ConfigLoaderFuzzTest {

    /** A few variables the inputs can name, one of them blank and one with YAML syntax in it. */
    private static final Map<String, String> ENV = Map.of(
            "AZURE_OPENAI_KEY", "secret-key",
            "PORT", "8080",
            "EMPTY", "",
            "YAML_LIKE", "a: [b, {c: d}] # e");

    private static final ConfigLoader LOADER = new ConfigLoader(ENV::get);

    @FuzzTest
    void yaml(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            GatewayConfig config = LOADER.parse(text, "fuzz.yaml");
            assertThat(config.fleet()).isNotNull();
        } catch (InvalidConfigException e) {
            assertThat(e.problems()).isNotEmpty();
            assertThat(e.problems()).allSatisfy(p -> assertThat(p.message()).isNotBlank());
            assertThat(e.report()).startsWith("Invalid configuration fuzz.yaml");
        }
    }
}

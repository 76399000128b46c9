package dev.llmrouter.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmrouter.app.config.KeyHasher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: hash-key, argument errors, and an invalid file stopping the start with exit status 2. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, Map<String, String> env, String... args) {
        return Main.run(args, env::get, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void hash_key_prints_the_stored_form_of_the_key_given_as_argument_or_on_stdin() {
        assertThat(run("", Map.of(), "hash-key", "my-key")).isZero();
        assertThat(run("piped-key\n", Map.of(), "hash-key")).isZero();

        assertThat(out().lines()).containsExactly(KeyHasher.hash("my-key"), KeyHasher.hash("piped-key"));
    }

    @Test
    void hash_key_without_a_key_is_a_usage_error() {
        assertThat(run("", Map.of(), "hash-key")).isEqualTo(2);
        assertThat(err()).contains("hash-key needs a non-empty key");
    }

    @Test
    void an_invalid_file_stops_the_start_with_status_2_and_the_full_report_without_a_stack_trace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fleet.yaml");
        Files.writeString(file, """
                regions: [ { name: eastus, geography: us } ]
                catalog:
                  models: [ { id: m, tier: economy, context-window: 1000, max-output-tokens: 100, encoding: o200k_base, price: { input: "1", output: "2" } } ]
                deployments:
                  - { id: d, model: m, region: eastus9, simulated: {} }
                plans: [ { id: p, highest-tier: economy } ]
                accounts: [ { id: a, plan: nope, key-hashes: [ "x" ] } ]
                """);

        int status = run("", Map.of(), "--config", file.toString(), "--port", "0");

        assertThat(status).isEqualTo(2);
        assertThat(err()).contains("Invalid configuration " + file + " (3 problems):")
                .contains("  - deployments[0].region: unknown region 'eastus9'")
                .contains("  - accounts[0].plan: unknown plan 'nope'")
                .contains("  - accounts[0].key-hashes[0]: not a stored key hash")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out()).isEmpty();
    }

    @Test
    void a_missing_file_is_reported_the_same_way(@TempDir Path dir) {
        assertThat(run("", Map.of(), "--config", dir.resolve("absent.yaml").toString())).isEqualTo(2);
        assertThat(err()).contains("cannot read the file");
    }

    @Test
    void an_empty_file_stops_the_start_with_status_2_naming_the_file(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("empty.yaml");
        Files.writeString(file, "");

        assertThat(run("", Map.of(), "--config", file.toString(), "--port", "0")).isEqualTo(2);
        assertThat(err()).contains("  - the file " + file + " is empty").doesNotContain("- is required");
    }

    @Test
    void bad_arguments_and_ports_are_usage_errors() {
        assertThat(run("", Map.of(), "--frobnicate")).isEqualTo(2);
        assertThat(run("", Map.of(), "--port", "99999")).isEqualTo(2);
        assertThat(run("", Map.of(Main.PORT_ENV, "eighty"))).isEqualTo(2);
        assertThat(err()).contains("unknown argument '--frobnicate'").contains("--port must be 0..65535")
                .contains("LLM_ROUTER_PORT must be 0..65535").contains("Usage: java -jar llm-router.jar");
    }

    @Test
    void help_prints_usage() {
        assertThat(run("", Map.of(), "--help")).isZero();
        assertThat(out()).contains("hash-key [KEY]");
    }

    @Test
    void data_dir_without_a_directory_is_a_usage_error() {
        assertThat(run("", Map.of(), "--data-dir")).isEqualTo(2);
        assertThat(err()).contains("--data-dir needs a directory");
    }

    @Test
    void the_help_names_the_data_directory_and_its_default() {
        assertThat(run("", Map.of(), "--help")).isZero();
        assertThat(out()).contains("[--data-dir DIR]").contains("LLM_ROUTER_DATA_DIR").contains("./llm-router-data");
    }
}

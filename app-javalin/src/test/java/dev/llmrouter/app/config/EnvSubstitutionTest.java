package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ${NAME} and ${NAME:-default} are replaced inside the parsed values: a variable's value is always
 * exactly one string, whatever it contains, and never changes the file's structure; comments are not
 * values.
 */
@DisplayName("Environment variables are substituted inside values, never into the file's structure")
class EnvSubstitutionTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    private final Map<String, String> env = Map.of(
            "HOST", "contoso",
            "EMPTY", "",
            "NEWLINE", "first\nsecond: injected\n- item",
            "KEY_VALUE", "a: b",
            "HASH", "value # not a comment",
            "QUOTES", "it's \"quoted\" and 'single'",
            "DOLLAR", "${HOST} and $${HOST}",
            "LOOKALIKE", "_env_0_ __env_1_",
            "BRACES", "}{][,");
    private final List<ConfigProblem> problems = new ArrayList<>();

    private JsonNode load(String yaml) throws Exception {
        EnvSubstitution variables = EnvSubstitution.mark(yaml);
        return variables.substitute(YAML.readTree(variables.text()), env::get, problems);
    }

    @Test
    void replaces_set_variables_and_uses_defaults_for_unset_or_empty_ones() throws Exception {
        JsonNode tree = load("""
                endpoint: https://${HOST}.openai.azure.com
                port: ${PORT:-8080}
                a: ${EMPTY:-fallback}
                b: ${HOST:-fallback}
                c: ${PORT:-}
                d: "${HOST}-${HOST}"
                """);

        assertThat(tree.get("endpoint").asText()).isEqualTo("https://contoso.openai.azure.com");
        assertThat(tree.get("port").asText()).isEqualTo("8080");
        assertThat(tree.get("a").asText()).isEqualTo("fallback");
        assertThat(tree.get("b").asText()).isEqualTo("contoso");
        assertThat(tree.get("c").asText()).isEmpty();
        assertThat(tree.get("d").asText()).isEqualTo("contoso-contoso");
        assertThat(problems).isEmpty();
    }

    @Test
    void a_value_with_newlines_colons_hashes_or_quotes_stays_one_string() throws Exception {
        JsonNode tree = load("""
                newline: ${NEWLINE}
                key-value: ${KEY_VALUE}
                hash: ${HASH}
                quotes: ${QUOTES}
                in-double-quotes: "${QUOTES}"
                in-single-quotes: '${NEWLINE}'
                last: 1
                """);

        assertThat(tree.get("newline").asText()).isEqualTo("first\nsecond: injected\n- item");
        assertThat(tree.get("key-value").asText()).isEqualTo("a: b");
        assertThat(tree.get("hash").asText()).isEqualTo("value # not a comment");
        assertThat(tree.get("quotes").asText()).isEqualTo("it's \"quoted\" and 'single'");
        assertThat(tree.get("in-double-quotes").asText()).isEqualTo("it's \"quoted\" and 'single'");
        assertThat(tree.get("in-single-quotes").asText()).isEqualTo("first\nsecond: injected\n- item");
        assertThat(tree.has("second")).isFalse();
        assertThat(tree.get("last").asInt()).isEqualTo(1);
        assertThat(tree.size()).isEqualTo(7);
        assertThat(problems).isEmpty();
    }

    @Test
    void a_value_holding_variables_or_placeholders_is_taken_as_written() throws Exception {
        JsonNode tree = load("dollar: ${DOLLAR}\nlookalike: ${LOOKALIKE}\nbraces: [ ${BRACES}, \"${BRACES}\" ]\n");

        assertThat(tree.get("dollar").asText()).isEqualTo("${HOST} and $${HOST}");
        assertThat(tree.get("lookalike").asText()).isEqualTo("_env_0_ __env_1_");
        assertThat(tree.get("braces")).hasSize(2).allSatisfy(n -> assertThat(n.asText()).isEqualTo("}{][,"));
        assertThat(problems).isEmpty();
    }

    @Test
    void variables_work_in_flow_mappings_lists_and_block_scalars() throws Exception {
        JsonNode tree = load("""
                server: { port: ${PORT:-8080}, host: ${HOST} }
                hashes: [ ${HOST}, "${EMPTY:-x}" ]
                text: |
                  one ${HOST}
                  two
                """);

        assertThat(tree.at("/server/port").asText()).isEqualTo("8080");
        assertThat(tree.at("/server/host").asText()).isEqualTo("contoso");
        assertThat(tree.at("/hashes/0").asText()).isEqualTo("contoso");
        assertThat(tree.at("/hashes/1").asText()).isEqualTo("x");
        assertThat(tree.at("/text").asText()).isEqualTo("one contoso\ntwo\n");
    }

    @Test
    void an_unset_variable_without_default_is_a_problem_naming_its_line_once() throws Exception {
        load("a: 1\nb: ${MISSING}\nc: &anchor \"x${ALSO_MISSING}\"\nd: *anchor\n");

        assertThat(problems).extracting(ConfigProblem::path).containsExactly("line 2", "line 3");
        assertThat(problems.get(0).message())
                .isEqualTo("environment variable MISSING is not set (use ${MISSING:-default} to give a default)");
    }

    @Test
    void comments_escapes_and_keys_are_left_as_written() throws Exception {
        JsonNode tree = load("  # uses ${MISSING}\nx: $${HOST}\ny: 1 # and ${MISSING} here\n${HOST}: 2\n");

        assertThat(tree.get("x").asText()).isEqualTo("${HOST}");
        assertThat(tree.get("y").asInt()).isEqualTo(1);
        assertThat(tree.get("${HOST}").asInt()).isEqualTo(2);
        assertThat(problems).isEmpty();
    }

    @Test
    void a_yaml_error_quotes_the_variables_as_written() {
        EnvSubstitution variables = EnvSubstitution.mark("a: [ ${HOST}\n");
        String message = "";
        try {
            YAML.readTree(variables.text());
        } catch (Exception e) {
            message = variables.unmark(e.getMessage());
        }

        assertThat(message).contains("${HOST}").doesNotContain("_env_");
    }
}

package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ${NAME} and ${NAME:-default} are replaced before parsing; comment lines are left alone. */
class EnvSubstitutionTest {

    private final Map<String, String> env = Map.of("HOST", "contoso", "EMPTY", "");
    private final List<ConfigProblem> problems = new ArrayList<>();

    private String apply(String text) {
        return EnvSubstitution.apply(text, env::get, problems);
    }

    @Test
    void replaces_set_variables_and_uses_defaults_for_unset_or_empty_ones() {
        assertThat(apply("endpoint: https://${HOST}.openai.azure.com")).isEqualTo("endpoint: https://contoso.openai.azure.com");
        assertThat(apply("port: ${PORT:-8080}")).isEqualTo("port: 8080");
        assertThat(apply("x: ${EMPTY:-fallback}")).isEqualTo("x: fallback");
        assertThat(apply("x: ${HOST:-fallback}")).isEqualTo("x: contoso");
        assertThat(apply("x: ${PORT:-}")).isEqualTo("x: ");
        assertThat(problems).isEmpty();
    }

    @Test
    void an_unset_variable_without_default_is_a_problem_naming_its_line() {
        apply("a: 1\nb: ${MISSING}\nc: ${ALSO_MISSING}");

        assertThat(problems).extracting(ConfigProblem::path).containsExactly("line 2", "line 3");
        assertThat(problems.get(0).message()).startsWith("environment variable MISSING is not set");
    }

    @Test
    void comments_and_escapes_are_left_as_written() {
        assertThat(apply("  # uses ${MISSING}\nx: $${HOST}")).isEqualTo("  # uses ${MISSING}\nx: ${HOST}");
        assertThat(problems).isEmpty();
    }
}

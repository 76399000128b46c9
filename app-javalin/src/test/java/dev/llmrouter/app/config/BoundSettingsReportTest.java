package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Requirement 3.4, for the file bound to records: a bound stated on a record component is reported
 * at the key's path with the value that broke it; a value of the wrong shape (a list or mapping
 * where one value belongs, a value where a mapping belongs) is reported once where it is, never
 * again as missing; and binding goes on past each mistake to the next.
 */
@DisplayName("Requirement 3.4: bound settings are reported at their paths, each mistake once")
class BoundSettingsReportTest {

    private static final String FLEET = """
            regions: [ { name: eastus, geography: us } ]
            catalog:
              models: [ { id: m, tier: economy, context-window: 1000, max-output-tokens: 100, encoding: o200k_base, price: { input: "1", output: "2" } } ]
            plans: [ { id: p, highest-tier: economy } ]
            deployments: [ { id: d, model: m, region: eastus, simulated: {} } ]
            """;

    private static List<String> problemsOf(String yaml) {
        try {
            new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "test.yaml");
        } catch (InvalidConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    @Test
    void breaker_bounds_are_reported_at_each_key_of_the_defaults_and_of_an_override() {
        assertThat(problemsOf(FLEET + """
                breakers:
                  defaults: { window-duration: 2h, open-duration: 0s, max-open-duration: 48h }
                  deployments: { d: { window-calls: 0, half-open-probes: 5000 } }
                """)).containsExactly(
                "breakers.defaults.max-open-duration: must be between 1ms and 24h, got PT48H",
                "breakers.defaults.open-duration: must be positive",
                "breakers.defaults.window-duration: must be between 10ms and 1h, got PT2H",
                "breakers.deployments.d.half-open-probes: must be between 1 and 1000, got 5000",
                "breakers.deployments.d.window-calls: must be between 1 and 10000, got 0");
    }

    @Test
    void a_value_of_the_wrong_shape_is_reported_once_where_it_is() {
        assertThat(problemsOf(FLEET + """
                server: { port: [ 8080 ], max-connections: 99999999999999999999 }
                ledger: 5
                retry: { attempts-per-deployment: 1.5, jitter: 2 }
                accounts:
                  - { id: a, plan: p, key-hashes: "" }
                  - { id: b, plan: p, key-hashes: [ ~ ] }
                """)).containsExactly(
                "accounts[0].key-hashes: cannot be empty",
                "accounts[1].key-hashes[0]: must be a non-empty value",
                "retry.attempts-per-deployment: must be a whole number, got '1.5'",
                "retry.jitter: must be between 0 and 1, got 2",
                "server.port: must be a single value",
                "server.max-connections: must be a whole number, got '99999999999999999999'",
                "ledger: must be a mapping of keys to values");
    }

    @Test
    void a_required_value_that_cannot_be_read_is_not_also_reported_as_missing() {
        assertThat(problemsOf(FLEET.replace("tier: economy, context-window: 1000", "tier: [ economy ], context-window: lots")))
                .containsExactly(
                        "catalog.models[0].tier: must be a single value",
                        "catalog.models[0].context-window: must be a whole number, got 'lots'");
    }
}

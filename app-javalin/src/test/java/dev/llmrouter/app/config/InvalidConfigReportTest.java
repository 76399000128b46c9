package dev.llmrouter.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An invalid file is refused with every problem at once, each by its path, never only the first. */
@DisplayName("Configuration validation lists every problem by path")
class InvalidConfigReportTest {

    private static final String VALID_HASH = KeyHasher.hash("k");

    private static List<String> problemsOf(String yaml) {
        try {
            new ConfigLoader(Map.of("KEY_EUS", "secret")::get).parse(yaml, "test.yaml");
        } catch (InvalidConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    @Test
    void a_file_with_many_mistakes_reports_each_of_them_at_its_path() {
        String yaml = """
                regions:
                  - { name: eastus, geography: us }
                  - { name: westeurope, geography: europa }
                  - { name: eastus, geography: us }
                catalog:
                  models:
                    - id: gpt-4o
                      tier: premium
                      context-window: 128000
                      max-output-tokens: 16384
                      encoding: o200k_base
                      capabilities: [vision, telepathy]
                      price: { input: "2.50", output: "10.00" }
                    - id: cheap
                      tier: cheapest
                      context-window: lots
                      max-output-tokens: 10
                      encoding: o200k_base
                      price: { per: 1G, input: "0.1", output: "0.2" }
                    - id: odd-price
                      tier: economy
                      context-window: 1000
                      max-output-tokens: 2000
                      encoding: o200k_base
                      price: { input: "0.0001", output: "x" }
                  tiers:
                    premium: gpt-4o
                    standard: gpt-5
                deployments:
                  - { id: a, model: gpt-4o, region: eastus, simulated: {} }
                  - { id: b, model: gpt-4o, region: westeurope, role: tertiary, simulated: { failure-rate: 1.5 } }
                  - { id: c, model: gpt-4o, region: eastus9, endpoint: https://c.openai.azure.com, auth: { api-key-env: KEY_EUS } }
                  - { id: a, model: gpt-9, region: eastus, endpoint: "ftp://x", auth: { api-key-env: NOT_SET } }
                  - { id: e, model: gpt-4o, region: eastus, endpoint: https://e.openai.azure.com, auth: { entra-id: {}, api-key-env: KEY_EUS } }
                  - { id: f, model: gpt-4o, region: eastus }
                  - { id: g, model: gpt-4o, region: eastus, simulated: { throttle-rate: 0.6, failure-rate: 0.6, latency: soon } }
                plans:
                  - { id: free, highest-tier: economy, default-tier: premium }
                  - { id: pro, highest-tier: standard, quota: { cost-per-month: "-1" }, rate-limits: { requests-per-minute: -5 } }
                  - { id: pro, highest-tier: premium, fall-down: maybe }
                accounts:
                  - { id: acme, plan: gold, key-hashes: [ "plain-key-pasted-by-mistake" ] }
                  - { id: acme, plan: pro, key-hashes: [ "%s" ] }
                  - { id: other, plan: pro, key-hashes: [ "%s" ] }
                  - { id: nokey, plan: pro }
                breakers:
                  defaults: { failure-rate-threshold: 150, minimum-calls: 50, window-calls: 10 }
                  deployments:
                    zz: { open-duration: 10s }
                retry:
                  initial-backoff: 2s
                  max-backoff: 1s
                server:
                  port: 70000
                  colour: blue
                """.formatted(VALID_HASH, VALID_HASH);

        List<String> problems = problemsOf(yaml);

        assertThat(problems).contains(
                "regions[1].geography: unknown value 'europa' (expected one of us, canada, eu, uk, switzerland, norway, japan, australia, asia-pacific, south-america, middle-east, africa, india, korea)",
                "regions[2].name: duplicate region 'eastus'",
                "catalog.models[0].capabilities[1]: unknown capability 'telepathy' (expected chat, text-completion, embeddings, responses, vision, tools or reasoning)",
                "catalog.models[1].tier: unknown value 'cheapest' (expected one of premium, standard, economy)",
                "catalog.models[1].context-window: must be a whole number, got 'lots'",
                "catalog.models[1].price.per: must be 1M or 1K (dollars per million or per thousand tokens), got '1G'",
                "catalog.models[2].price.input: price $0.0001 per 1M tokens is not a whole number of nano-dollars per token (prices must be multiples of $0.001 per 1M tokens)",
                "catalog.models[2].price.output: must be a decimal number, got 'x'",
                "catalog.tiers.standard: unknown model 'gpt-5'",
                "deployments[1].role: unknown value 'tertiary' (expected one of primary, secondary, disaster-recovery)",
                "deployments[1].simulated.failure-rate: must be between 0 and 1, got 1.5",
                "deployments[2].region: unknown region 'eastus9'",
                "deployments[3].id: duplicate deployment 'a'",
                "deployments[3].model: unknown model 'gpt-9'",
                "deployments[3].endpoint: must be an http(s) URL such as https://contoso-eastus.openai.azure.com, got 'ftp://x'",
                "deployments[3].auth.api-key-env: environment variable NOT_SET is not set",
                "deployments[4].auth: give exactly one of api-key-env (the name of the variable holding the key) or entra-id",
                "deployments[5]: needs auth (api-key-env or entra-id) for a real Azure OpenAI deployment, or simulated",
                "deployments[6].simulated.latency: must be a duration such as 250ms, 2s, 5m or PT1M, got 'soon'",
                "deployments[6].simulated: failure-rate + throttle-rate + slow-rate cannot exceed 1",
                "plans[0].default-tier: default tier premium is above the highest tier economy",
                "plans[1].quota.cost-per-month: cannot be negative",
                "plans[1].rate-limits.requests-per-minute: must be between 0 and 9223372036854775807, got -5",
                "plans[2].fall-down: must be true or false, got 'maybe'",
                "accounts[0].plan: unknown plan 'gold'",
                "accounts[0].key-hashes[0]: not a stored key hash (expected sha256: and 64 lowercase hex digits; make one with: java -jar llm-router.jar hash-key)",
                "accounts[1].id: duplicate account 'acme'",
                "accounts[2].key-hashes[0]: the same key is already used by account 'acme'",
                "accounts[3].key-hashes: at least one key hash is required (make one with: java -jar llm-router.jar hash-key)",
                "breakers.defaults: minimum-calls (50) cannot exceed window-calls (10): the breaker could never open",
                "breakers.defaults.failure-rate-threshold: must be between 1 and 100, got 150",
                "breakers.deployments.zz: unknown deployment 'zz'",
                "retry.max-backoff: cannot be shorter than initial-backoff",
                "server.port: must be between 0 and 65535, got 70000",
                "server.colour: unknown key (expected one of body-min-bytes-per-second, body-read-timeout, max-body-bytes, "
                        + "max-connections, port, shutdown-grace)");
        assertThat(problems).noneMatch(p -> p.contains("plain-key-pasted-by-mistake"));
        // One report per mistake: a bad region, deployment kind or breaker default is not reported again where used.
        assertThat(problems).doesNotContain("deployments[1].region: unknown region 'westeurope'",
                "deployments[5].endpoint: is required");
        assertThat(problems).filteredOn(p -> p.startsWith("breakers.deployments.zz")).hasSize(1);
        // The standard tier names an unknown model: said once there, not again at each plan of that tier.
        assertThat(problems).noneMatch(p -> p.contains("the catalog has no model of tier"));
        assertThat(problems).hasSize(35);
    }

    @Test
    void an_entry_that_fails_to_load_is_reported_once_not_again_where_it_is_used() {
        String fleet = """
                regions: [ { name: eastus, geography: us } ]
                catalog:
                  models:
                    - { id: m, tier: economy, context-window: 1000, max-output-tokens: 100, encoding: o200k_base, price: { input: "1", output: "2" } }
                    - { id: broken, tier: standard, context-window: 1000, max-output-tokens: 100, encoding: o200k_base, price: { input: "1", output: "x" } }
                  tiers: { economy: m, standard: broken }
                deployments:
                  - { id: d1, model: broken, region: eastus, simulated: {} }
                  - { id: d2, model: m, region: eastus, simulated: {} }
                plans:
                  - { id: gold, highest-tier: standard, quota: { cost-per-month: "-5" } }
                  - { id: silver, highest-tier: standard }
                accounts:
                  - { id: a, plan: gold, key-hashes: [ "%s" ] }
                  - { id: b, plan: gold, key-hashes: [ "%s" ] }
                  - { id: c, plan: platinum, key-hashes: [ "%s" ] }
                """.formatted(KeyHasher.hash("a"), KeyHasher.hash("b"), KeyHasher.hash("c"));

        assertThat(problemsOf(fleet)).containsExactly(
                "catalog.models[1].price.output: must be a decimal number, got 'x'",
                "plans[0].quota.cost-per-month: cannot be negative",
                "accounts[2].plan: unknown plan 'platinum'");
    }

    @Test
    void a_list_or_a_value_where_a_mapping_belongs_is_reported_at_that_mapping() {
        String fleet = """
                regions: [ { name: eastus, geography: us } ]
                catalog:
                  models:
                    - { id: m, tier: economy, context-window: 1000, max-output-tokens: 100, encoding: o200k_base, price: { input: "1", output: "2" } }
                  tiers: { economy: m }
                deployments:
                  - { id: d1, model: m, region: eastus, simulated: {} }
                plans:
                  - { id: gold, highest-tier: economy }
                breakers:
                  deployments: [ d1 ]
                balancing:
                  tiers: weighted
                  models: [ m ]
                """;

        assertThat(problemsOf(fleet)).containsExactlyInAnyOrder(
                "breakers.deployments: must be a mapping of keys to values",
                "balancing.tiers: must be a mapping of keys to values",
                "balancing.models: must be a mapping of keys to values");
        assertThat(problemsOf(fleet.replace("tiers: { economy: m }", "tiers: [ m ]"))).contains(
                "catalog.tiers: must be a mapping of keys to values");
    }

    @Test
    void an_empty_file_says_so_and_names_the_file() {
        for (String empty : List.of("", "\n  \n", "# nothing but a comment\n", "---\n")) {
            assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get).parse(empty, "fleet.yaml"))
                    .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.report()).isEqualTo(
                            String.join(System.lineSeparator(), "Invalid configuration fleet.yaml (1 problem):",
                                    "  - the file fleet.yaml is empty (it needs at least the sections regions, catalog, "
                                            + "deployments and plans)")));
        }
        assertThat(problemsOf("- just\n- a list\n")).containsExactly(
                "the top level of test.yaml must be a mapping of sections (regions, catalog, deployments, plans, ...)");
    }

    @Test
    void the_report_is_one_line_per_problem_without_a_stack_trace() {
        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get).parse("""
                regions: []
                catalog: { models: [] }
                deployments: []
                plans: []
                """, "fleet.yaml"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.getStackTrace()).isEmpty();
                    assertThat(e.report()).isEqualTo(String.join(System.lineSeparator(),
                            "Invalid configuration fleet.yaml (4 problems):",
                            "  - regions: at least one region is required",
                            "  - catalog.models: at least one model is required",
                            "  - deployments: at least one deployment is required",
                            "  - plans: at least one plan is required"));
                });
    }

    @Test
    void credentials_go_over_plain_http_only_as_a_key_to_a_loopback_test_double() {
        String fleet = """
                regions: [ { name: eastus, geography: us } ]
                catalog:
                  models: [ { id: m, tier: economy, context-window: 1000, max-output-tokens: 100, encoding: o200k_base, price: { input: "1", output: "2" } } ]
                plans: [ { id: p, highest-tier: economy } ]
                deployments:
                  - { id: local, model: m, region: eastus, endpoint: "http://127.0.0.1:9999", auth: { api-key-env: KEY_EUS } }
                  - { id: remote, model: m, region: eastus, endpoint: "http://contoso.openai.azure.com", auth: { api-key-env: KEY_EUS } }
                  - { id: token, model: m, region: eastus, endpoint: "http://localhost:9999", auth: { entra-id: } }
                """;

        assertThat(problemsOf(fleet)).containsExactly(
                "deployments[1].endpoint: plain http is allowed only to a loopback host (a local test double); use https for 'contoso.openai.azure.com'",
                "deployments[2].endpoint: Entra ID tokens are sent only over https, got 'http://localhost:9999'");
    }

    @Test
    void missing_sections_are_reported_as_required() {
        assertThat(problemsOf("server: { port: 1 }\n")).containsExactly(
                "regions: is required", "catalog: is required", "deployments: is required", "plans: is required");
    }

    @Test
    void a_variable_cannot_change_the_structure_of_the_file() {
        String fleet = """
                regions: [ { name: eastus, geography: us } ]
                catalog:
                  models: [ { id: m, tier: economy, context-window: 1000, max-output-tokens: 100, encoding: o200k_base, price: { input: "1", output: "2" } } ]
                deployments: [ { id: d, model: m, region: eastus, simulated: {} } ]
                plans: [ { id: p, highest-tier: economy } ]
                accounts:
                  - id: a
                    plan: p
                    key-hashes: ${HASHES}
                """;
        // Read as text, this value would have made account a an operator and added a second account.
        String injected = KeyHasher.hash("a") + "\n    operator: true\n  - { id: b, plan: p, key-hashes: [ \""
                + KeyHasher.hash("b") + "\" ] }";

        assertThatThrownBy(() -> new ConfigLoader(Map.of("HASHES", injected)::get).parse(fleet, "fleet.yaml"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString).singleElement().asString()
                        .startsWith("accounts[0].key-hashes[0]: not a stored key hash"));
        GatewayConfig plain = new ConfigLoader(Map.of("HASHES", KeyHasher.hash("a"))::get).parse(fleet, "fleet.yaml");
        assertThat(plain.accounts()).singleElement().satisfies(a -> assertThat(a.operator()).isFalse());
    }

    @Test
    void unset_variables_are_reported_by_line_and_yaml_errors_by_position() {
        assertThat(problemsOf("server:\n  port: ${NO_SUCH_PORT}\n")).first()
                .isEqualTo("line 2: environment variable NO_SUCH_PORT is not set (use ${NO_SUCH_PORT:-default} to give a default)");
        assertThat(problemsOf("regions: [ {name: a\n")).singleElement().asString().startsWith("line ").contains("not valid YAML");
        assertThat(problemsOf("server: {port: 1}\nserver: {port: 2}\n")).singleElement().asString()
                .contains("not valid YAML").contains("Duplicate field 'server'");
    }
}

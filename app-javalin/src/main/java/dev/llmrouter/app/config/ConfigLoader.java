package dev.llmrouter.app.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmrouter.app.sim.SimulationProfile;
import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.Pricing;
import dev.llmrouter.domain.money.TokenPrice;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.region.Geography;
import dev.llmrouter.domain.region.Region;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.routing.RetrySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a gateway configuration (YAML) into a validated {@link GatewayConfig}, or reports every
 * problem at once, each by its path ({@code deployments[2].region: unknown region 'eastus9'}).
 *
 * <p>Steps: YAML parsing (duplicate keys are errors), with {@link EnvSubstitution} replacing
 * variables inside the parsed values; then each section is read and checked on its own, collecting
 * problems rather than stopping, and
 * cross references (a deployment's model and region, an account's plan, a breaker override's
 * deployment) are resolved. Only when nothing is wrong are the domain objects assembled.
 *
 * <p>Each mistake is reported once, where it is: an entry that fails to load (a model with a bad
 * price, a plan with a bad quota) still declares its name, so what refers to it is not reported
 * again as naming something unknown, and a tier left without a model because of such an entry is
 * not reported at every plan that uses it.
 *
 * <p>The schema, section by section, is documented in {@code embedded-default.yaml} and in
 * {@code config/azure-fleet.example.yaml}.
 */
public final class ConfigLoader {

    /** The classpath resource served when the gateway starts without a configuration. */
    public static final String EMBEDDED_DEFAULT = "/embedded-default.yaml";
    /** The API version used when a deployment names none: the latest GA data-plane version. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final Function<String, String> env;

    /** @param env the environment variables ({@code System::getenv}; a map's {@code get} in tests) */
    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    public static ConfigLoader fromSystemEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    /** The embedded default (Requirement 3.5). */
    public GatewayConfig loadEmbeddedDefault() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(EMBEDDED_DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException("resource " + EMBEDDED_DEFAULT + " is missing from the build");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "embedded default");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A configuration file; a file that cannot be read is reported as a problem too. */
    public GatewayConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigException(file.toString(),
                    List.of(new ConfigProblem("", "cannot read the file: " + e.getMessage())));
        }
        return parse(text, file.toString());
    }

    /**
     * Parses and validates a configuration text.
     *
     * @throws InvalidConfigException listing every problem found
     */
    public GatewayConfig parse(String text, String source) {
        List<ConfigProblem> problems = new ArrayList<>();
        EnvSubstitution variables = EnvSubstitution.mark(text.replace("\r\n", "\n"));
        JsonNode root;
        try {
            root = variables.substitute(YAML.readTree(variables.text()), env, problems);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
            problems.add(new ConfigProblem(where, "not valid YAML: " + variables.unmark(e.getOriginalMessage())));
            throw new InvalidConfigException(source, problems);
        }
        Reading r = new Reading(new ConfigNode(root, "", problems), problems, source);
        return r.read();
    }

    /** One reading of one document: the problems found so far and what has been resolved. */
    private final class Reading {
        private final ConfigNode root;
        private final List<ConfigProblem> problems;
        private final String source;
        private final Map<String, Region> regions = new LinkedHashMap<>();
        private final Map<String, ModelSpec> models = new LinkedHashMap<>();
        private final Map<String, Plan> plans = new LinkedHashMap<>();
        private final List<Deployment> deployments = new ArrayList<>();
        private final Map<DeploymentId, DeploymentSettings> connections = new LinkedHashMap<>();
        private final List<AccountSpec> accounts = new ArrayList<>();
        private final Set<String> deploymentIds = new HashSet<>();
        /*
         * Every name declared, valid or not, so that a bad entry is reported once, not again at each
         * use as "unknown".
         */
        private final Set<String> declaredRegions = new HashSet<>();
        private final Set<String> declaredModels = new HashSet<>();
        private final Set<String> declaredPlans = new HashSet<>();
        /** Tiers that may lack a model only because an entry about them failed (the failure is reported). */
        private final Set<Tier> tiersInDoubt = EnumSet.noneOf(Tier.class);
        private boolean brokenModelOfUnknownTier;
        private ModelCatalog catalog;

        Reading(ConfigNode root, List<ConfigProblem> problems, String source) {
            this.root = root;
            this.problems = problems;
            this.source = source;
        }

        GatewayConfig read() {
            if (!root.isPresent()) {
                problems.add(new ConfigProblem("", "the file " + source + " is empty (it needs at least the sections "
                        + "regions, catalog, deployments and plans)"));
                throw new InvalidConfigException(source, problems);
            }
            if (!root.isMapping()) {
                problems.add(new ConfigProblem("", "the top level of " + source + " must be a mapping of sections "
                        + "(regions, catalog, deployments, plans, ...)"));
                throw new InvalidConfigException(source, problems);
            }
            root.allowOnly(Set.of("server", "ledger", "regions", "catalog", "deployments", "plans", "accounts", "breakers", "retry"));
            readRegions(root.get("regions"));
            readCatalog(root.get("catalog"));
            readDeployments(root.get("deployments"));
            readPlans(root.get("plans"));
            readAccounts(root.get("accounts"));
            BreakerSettings breakerDefaults = BreakerSettings.DEFAULTS;
            Map<DeploymentId, BreakerSettings> breakers = new LinkedHashMap<>();
            ConfigNode b = root.get("breakers");
            if (b.isObject(false)) {
                b.allowOnly(Set.of("defaults", "deployments"));
                breakerDefaults = readBreaker(b.get("defaults"), BreakerSettings.DEFAULTS);
                // Overrides of invalid defaults merge over the built-in ones: each mistake is reported once.
                BreakerSettings base = breakerDefaults.problems().isEmpty() ? breakerDefaults : BreakerSettings.DEFAULTS;
                for (Map.Entry<String, ConfigNode> e : b.get("deployments").entries().entrySet()) {
                    if (!deploymentIds.contains(e.getKey())) {
                        e.getValue().problem("unknown deployment '" + e.getKey() + "'");
                    }
                    breakers.put(DeploymentId.of(e.getKey()), readBreaker(e.getValue(), base));
                }
            }
            for (Deployment d : deployments) {
                breakers.putIfAbsent(d.id(), breakerDefaults);
            }
            RetrySettings retry = readRetry(root.get("retry"));
            ServerSettings server = readServer(root.get("server"));
            LedgerSettings ledger = readLedger(root.get("ledger"));

            Fleet fleet = null;
            if (problems.isEmpty()) {
                try {
                    Fleet.Builder builder = Fleet.builder().catalog(catalog);
                    regions.values().forEach(builder::region);
                    deployments.forEach(builder::deployment);
                    fleet = builder.build();
                } catch (IllegalArgumentException e) {
                    problems.add(new ConfigProblem("deployments", e.getMessage()));
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigException(source, problems);
            }
            return new GatewayConfig(source, fleet, plans, accounts, connections, breakerDefaults, breakers, retry, server, ledger);
        }

        // ---- regions -----------------------------------------------------------------------

        private void readRegions(ConfigNode node) {
            List<ConfigNode> items = node.list(true);
            if (node.isPresent() && items.isEmpty()) {
                node.problem("at least one region is required");
            }
            for (ConfigNode r : items) {
                if (!r.isObject(true)) {
                    continue;
                }
                r.allowOnly(Set.of("name", "geography"));
                Optional<String> name = r.string("name", true);
                name.ifPresent(declaredRegions::add);
                Optional<Geography> geography = r.enumValue("geography", true, Geography.class, Geography::parse);
                if (name.isPresent() && geography.isPresent()) {
                    if (regions.putIfAbsent(name.get(), Region.of(name.get(), geography.get())) != null) {
                        r.get("name").problem("duplicate region '" + name.get() + "'");
                    }
                }
            }
        }

        // ---- catalog -----------------------------------------------------------------------

        private void readCatalog(ConfigNode node) {
            if (!node.isObject(true)) {
                return;
            }
            node.allowOnly(Set.of("models", "tiers"));
            ConfigNode modelList = node.get("models");
            List<ConfigNode> items = modelList.list(true);
            if (modelList.isPresent() && items.isEmpty()) {
                modelList.problem("at least one model is required");
            }
            for (ConfigNode m : items) {
                readModel(m).ifPresent(spec -> {
                    if (models.putIfAbsent(spec.id(), spec) != null) {
                        m.get("id").problem("duplicate model '" + spec.id() + "'");
                    }
                });
            }
            Map<Tier, String> tierModels = new LinkedHashMap<>();
            ConfigNode tiers = node.get("tiers");
            for (Map.Entry<String, ConfigNode> e : tiers.entries().entrySet()) {
                ConfigNode at = e.getValue();
                Optional<Tier> tier = Tier.parse(e.getKey());
                if (tier.isEmpty()) {
                    at.problem("unknown tier '" + e.getKey() + "' (expected premium, standard or economy)");
                    continue;
                }
                Optional<String> modelId = tiers.string(e.getKey(), true);
                ModelSpec spec = modelId.map(models::get).orElse(null);
                if (spec != null && spec.tier() == tier.get()) {
                    tierModels.put(tier.get(), spec.id());
                    continue;
                }
                tiersInDoubt.add(tier.get()); // the mistake is reported here, or at the model's own entry
                if (spec != null) {
                    at.problem("model '" + spec.id() + "' is of tier " + spec.tier().id() + ", not " + tier.get().id());
                } else if (modelId.isPresent() && !declaredModels.contains(modelId.get())) {
                    at.problem("unknown model '" + modelId.get() + "'");
                }
            }
            try {
                ModelCatalog.Builder builder = ModelCatalog.builder();
                models.values().forEach(builder::model);
                tierModels.forEach(builder::tierModel);
                catalog = builder.build();
            } catch (IllegalArgumentException e) {
                node.problem(e.getMessage());
            }
        }

        /** A model entry; one that fails still declares its id and tier (see {@link #tiersInDoubt}). */
        private Optional<ModelSpec> readModel(ConfigNode m) {
            Optional<ModelSpec> spec = readModelEntry(m);
            if (spec.isEmpty()) {
                Optional<Tier> tier = m.peek("tier").flatMap(Tier::parse);
                tier.ifPresentOrElse(tiersInDoubt::add, () -> brokenModelOfUnknownTier = true);
            }
            return spec;
        }

        private Optional<ModelSpec> readModelEntry(ConfigNode m) {
            if (!m.isObject(true)) {
                return Optional.empty();
            }
            m.allowOnly(Set.of("id", "family", "tier", "context-window", "max-output-tokens", "encoding",
                    "capabilities", "price"));
            Optional<String> id = m.string("id", true);
            id.ifPresent(declaredModels::add);
            Optional<Tier> tier = m.enumValue("tier", true, Tier.class, Tier::parse);
            Optional<Integer> context = m.intValue("context-window", true, 1, Integer.MAX_VALUE);
            Optional<Integer> maxOut = m.intValue("max-output-tokens", true, 1, Integer.MAX_VALUE);
            Optional<TokenEncoding> encoding = m.enumValue("encoding", true, TokenEncoding.class,
                    t -> ConfigNode.parseEnum(TokenEncoding.class, t));
            EnumSet<Capability> capabilities = EnumSet.noneOf(Capability.class);
            List<String> capabilityNames = m.strings("capabilities");
            for (int i = 0; i < capabilityNames.size(); i++) {
                Optional<Capability> c = ConfigNode.parseEnum(Capability.class, capabilityNames.get(i));
                if (c.isPresent()) {
                    capabilities.add(c.get());
                } else {
                    new ConfigNode(null, m.path() + ".capabilities[" + i + "]", problems).problem(
                            "unknown capability '" + capabilityNames.get(i) + "' (expected chat, text-completion, vision or tools)");
                }
            }
            Optional<Pricing> pricing = readPrice(m.get("price"));
            if (id.isEmpty() || tier.isEmpty() || context.isEmpty() || maxOut.isEmpty() || encoding.isEmpty()
                    || pricing.isEmpty()) {
                return Optional.empty();
            }
            if (maxOut.get() > context.get()) {
                m.get("max-output-tokens").problem("cannot exceed the context window (" + context.get() + ")");
                return Optional.empty();
            }
            return Optional.of(new ModelSpec(id.get(), m.string("family", false).orElse(id.get()), tier.get(),
                    context.get(), maxOut.get(), encoding.get(), capabilities, pricing.get()));
        }

        /** {@code price: {per: 1M, input: "2.50", output: "10.00"}}; {@code per} is 1M (default) or 1K. */
        private Optional<Pricing> readPrice(ConfigNode p) {
            if (!p.isObject(true)) {
                return Optional.empty();
            }
            p.allowOnly(Set.of("per", "input", "output"));
            String per = p.string("per", false).orElse("1M").toUpperCase(java.util.Locale.ROOT);
            if (!per.equals("1M") && !per.equals("1K")) {
                p.get("per").problem("must be 1M or 1K (dollars per million or per thousand tokens), got '" + per + "'");
                return Optional.empty();
            }
            Optional<TokenPrice> in = price(p, "input", per);
            Optional<TokenPrice> out = price(p, "output", per);
            return in.isPresent() && out.isPresent() ? Optional.of(new Pricing(in.get(), out.get())) : Optional.empty();
        }

        private Optional<TokenPrice> price(ConfigNode p, String key, String per) {
            return p.decimal(key, true).flatMap(usd -> {
                try {
                    return Optional.of(per.equals("1K") ? TokenPrice.perThousand(usd.toPlainString())
                            : TokenPrice.perMillion(usd));
                } catch (IllegalArgumentException e) {
                    p.get(key).problem(e.getMessage());
                    return Optional.empty();
                }
            });
        }

        // ---- deployments -------------------------------------------------------------------

        private void readDeployments(ConfigNode node) {
            List<ConfigNode> items = node.list(true);
            if (node.isPresent() && items.isEmpty()) {
                node.problem("at least one deployment is required");
            }
            for (ConfigNode d : items) {
                if (!d.isObject(true)) {
                    continue;
                }
                d.allowOnly(Set.of("id", "model", "region", "role", "endpoint", "azure-deployment", "api-version",
                        "auth", "simulated"));
                Optional<String> id = d.string("id", true);
                id.ifPresent(i -> {
                    if (!deploymentIds.add(i)) {
                        d.get("id").problem("duplicate deployment '" + i + "'");
                    }
                });
                Optional<String> model = d.string("model", true);
                if (model.isPresent() && !models.containsKey(model.get()) && !declaredModels.contains(model.get())) {
                    d.get("model").problem("unknown model '" + model.get() + "'");
                }
                Optional<String> regionName = d.string("region", true);
                Region region = regionName.map(regions::get).orElse(null);
                if (regionName.isPresent() && region == null && !declaredRegions.contains(regionName.get())) {
                    d.get("region").problem("unknown region '" + regionName.get() + "'");
                }
                ChainRole role = d.enumValue("role", false, ChainRole.class, t -> ConfigNode.parseEnum(ChainRole.class, t))
                        .orElse(ChainRole.PRIMARY);
                boolean simulated = d.has("simulated");
                boolean azure = d.has("auth");
                Optional<DeploymentSettings> connection = Optional.empty();
                if (simulated && azure) {
                    d.problem("give either auth (a real Azure OpenAI deployment) or simulated, not both");
                } else if (!simulated && !azure) {
                    d.problem("needs auth (api-key-env or entra-id) for a real Azure OpenAI deployment, or simulated");
                } else if (simulated) {
                    connection = readSimulation(d.get("simulated"), id.orElse("")).map(DeploymentSettings.Simulated::new);
                } else {
                    connection = readAuth(d.get("auth")).map(auth -> new DeploymentSettings.Azure(
                            d.string("api-version", false).orElse(DEFAULT_API_VERSION), auth));
                }
                Optional<URI> endpoint = simulated && !d.has("endpoint")
                        ? id.map(i -> URI.create("simulated://" + i.replaceAll("[^A-Za-z0-9.-]", "-")))
                        : simulated || azure ? readEndpoint(d) : Optional.empty();
                if (azure && endpoint.isPresent() && connection.isPresent() && "http".equals(endpoint.get().getScheme())) {
                    checkPlainHttp(d.get("endpoint"), endpoint.get(), connection.get());
                }
                if (id.isPresent() && model.isPresent() && region != null && endpoint.isPresent() && connection.isPresent()) {
                    DeploymentId deploymentId = DeploymentId.of(id.get());
                    deployments.add(new Deployment(deploymentId, model.get(), region, endpoint.get(),
                            d.string("azure-deployment", false).orElse(model.get()), role));
                    connections.put(deploymentId, connection.get());
                }
            }
        }

        private Optional<URI> readEndpoint(ConfigNode d) {
            return d.string("endpoint", true).flatMap(text -> {
                try {
                    URI uri = new URI(text);
                    if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                        d.get("endpoint").problem("must be an http(s) URL such as https://contoso-eastus.openai.azure.com, got '" + text + "'");
                        return Optional.empty();
                    }
                    return Optional.of(uri);
                } catch (URISyntaxException e) {
                    d.get("endpoint").problem("not a valid URL: " + e.getMessage());
                    return Optional.empty();
                }
            });
        }

        /**
         * Credentials never cross the network in clear: plain http is accepted only for a loopback
         * host (a local test double) and only with a key, never with an Entra ID token.
         */
        private void checkPlainHttp(ConfigNode at, URI endpoint, DeploymentSettings connection) {
            boolean entra = connection instanceof DeploymentSettings.Azure a && a.auth() instanceof AzureAuth.EntraId;
            if (entra) {
                at.problem("Entra ID tokens are sent only over https, got '" + endpoint + "'");
            } else if (!isLoopback(endpoint.getHost())) {
                at.problem("plain http is allowed only to a loopback host (a local test double); use https for '"
                        + endpoint.getHost() + "'");
            }
        }

        private boolean isLoopback(String host) {
            String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
        }

        /** {@code auth: {api-key-env: NAME}} or {@code auth: {entra-id: {client-id: optional}}}. */
        private Optional<AzureAuth> readAuth(ConfigNode a) {
            if (!a.isObject(true)) {
                return Optional.empty();
            }
            a.allowOnly(Set.of("api-key-env", "entra-id"));
            boolean key = a.has("api-key-env");
            boolean entra = a.get("entra-id").isPresent() || (a.isPresent() && hasKeyEvenIfNull(a, "entra-id"));
            if (key == entra) {
                a.problem("give exactly one of api-key-env (the name of the variable holding the key) or entra-id");
                return Optional.empty();
            }
            if (key) {
                return a.string("api-key-env", true).flatMap(name -> {
                    String value = env.apply(name);
                    if (value == null || value.isBlank()) {
                        a.get("api-key-env").problem("environment variable " + name + " is not set");
                        return Optional.empty();
                    }
                    return Optional.of(new AzureAuth.ApiKey(name, new Secret(value)));
                });
            }
            ConfigNode e = a.get("entra-id");
            if (e.isPresent() && !e.isObject(false)) {
                return Optional.empty();
            }
            e.allowOnly(Set.of("client-id"));
            return Optional.of(new AzureAuth.EntraId(e.string("client-id", false)));
        }

        private boolean hasKeyEvenIfNull(ConfigNode a, String key) {
            // "entra-id:" with nothing after it is YAML null: still a choice of Entra ID with the default chain.
            return a.entries().containsKey(key);
        }

        private Optional<SimulationProfile> readSimulation(ConfigNode s, String deploymentId) {
            if (s.isPresent() && !s.isObject(false)) {
                return Optional.empty();
            }
            s.allowOnly(Set.of("latency", "chunk-delay", "failure-rate", "throttle-rate", "retry-after", "slow-rate",
                    "slow-latency", "stream-cut-rate", "seed"));
            int before = problems.size();
            double failure = s.fraction("failure-rate").orElse(BigDecimal.ZERO).doubleValue();
            double throttle = s.fraction("throttle-rate").orElse(BigDecimal.ZERO).doubleValue();
            double slow = s.fraction("slow-rate").orElse(BigDecimal.ZERO).doubleValue();
            double cut = s.fraction("stream-cut-rate").orElse(BigDecimal.ZERO).doubleValue();
            Duration latency = s.duration("latency", false).orElse(SimulationProfile.DEFAULT_LATENCY);
            Duration chunkDelay = s.duration("chunk-delay", false).orElse(SimulationProfile.DEFAULT_CHUNK_DELAY);
            Duration retryAfter = s.duration("retry-after", false).orElse(SimulationProfile.DEFAULT_RETRY_AFTER);
            Duration slowLatency = s.duration("slow-latency", false).orElse(SimulationProfile.DEFAULT_SLOW_LATENCY);
            // A stable default seed per deployment: the same file gives the same faults on every start.
            long seed = s.integer("seed", false, Long.MIN_VALUE, Long.MAX_VALUE).orElse((long) deploymentId.hashCode());
            if (failure + throttle + slow > 1.0 + 1e-9) {
                s.problem("failure-rate + throttle-rate + slow-rate cannot exceed 1");
            }
            if (problems.size() > before) {
                return Optional.empty();
            }
            return Optional.of(new SimulationProfile(latency, chunkDelay, failure, throttle, retryAfter, slow,
                    slowLatency, cut, seed));
        }

        // ---- plans and accounts ------------------------------------------------------------

        private void readPlans(ConfigNode node) {
            List<ConfigNode> items = node.list(true);
            if (node.isPresent() && items.isEmpty()) {
                node.problem("at least one plan is required");
            }
            for (ConfigNode p : items) {
                if (!p.isObject(true)) {
                    continue;
                }
                p.allowOnly(Set.of("id", "highest-tier", "default-tier", "fall-down", "quota", "rate-limits",
                        "max-concurrent-requests"));
                Optional<String> id = p.string("id", true);
                id.ifPresent(declaredPlans::add);
                Optional<Tier> highest = p.enumValue("highest-tier", true, Tier.class, Tier::parse);
                Optional<Tier> defaultTier = p.enumValue("default-tier", false, Tier.class, Tier::parse);
                boolean fallDown = p.bool("fall-down").orElse(true);
                Quota quota = readQuota(p.get("quota"));
                RateLimits limits = readRateLimits(p.get("rate-limits"));
                int maxConcurrent = p.intValue("max-concurrent-requests", false, 1, Integer.MAX_VALUE)
                        .orElse(Plan.UNLIMITED_CONCURRENCY);
                if (highest.isPresent() && defaultTier.isPresent() && defaultTier.get().isAbove(highest.get())) {
                    p.get("default-tier").problem("default tier " + defaultTier.get().id()
                            + " is above the highest tier " + highest.get().id());
                    continue;
                }
                Tier effectiveDefault = defaultTier.orElse(highest.orElse(null));
                if (catalog != null && effectiveDefault != null && !catalog.hasTier(effectiveDefault)
                        && !tiersInDoubt.contains(effectiveDefault) && !brokenModelOfUnknownTier) {
                    p.get(defaultTier.isPresent() ? "default-tier" : "highest-tier").problem(
                            "the catalog has no model of tier " + effectiveDefault.id());
                }
                if (id.isPresent() && highest.isPresent() && quota != null && limits != null) {
                    Plan plan = Plan.builder(id.get()).highestTier(highest.get()).defaultTier(effectiveDefault)
                            .fallDown(fallDown).quota(quota).rateLimits(limits).maxConcurrentRequests(maxConcurrent).build();
                    if (plans.putIfAbsent(plan.id(), plan) != null) {
                        p.get("id").problem("duplicate plan '" + plan.id() + "'");
                    }
                }
            }
        }

        /** {@code quota: {cost-per-month: "5.00", tokens-per-month: 1000000}}; absent limits are unlimited. */
        private Quota readQuota(ConfigNode q) {
            if (!q.isPresent()) {
                return Quota.UNLIMITED;
            }
            if (!q.isObject(false)) {
                return null;
            }
            q.allowOnly(Set.of("cost-per-month", "tokens-per-month"));
            int before = problems.size();
            Optional<Money> cost = q.decimal("cost-per-month", false).flatMap(usd -> {
                if (usd.signum() < 0) {
                    q.get("cost-per-month").problem("cannot be negative");
                    return Optional.empty();
                }
                return Optional.of(Money.ofUsd(usd));
            });
            Optional<Long> tokens = q.integer("tokens-per-month", false, 0, Long.MAX_VALUE);
            return problems.size() > before ? null : new Quota(cost, tokens);
        }

        private RateLimits readRateLimits(ConfigNode l) {
            if (!l.isPresent()) {
                return RateLimits.UNLIMITED;
            }
            if (!l.isObject(false)) {
                return null;
            }
            l.allowOnly(Set.of("requests-per-minute", "tokens-per-minute"));
            int before = problems.size();
            long requests = l.integer("requests-per-minute", false, 0, Long.MAX_VALUE).orElse(0L);
            long tokens = l.integer("tokens-per-minute", false, 0, Long.MAX_VALUE).orElse(0L);
            return problems.size() > before ? null : new RateLimits(requests, tokens);
        }

        private void readAccounts(ConfigNode node) {
            Map<String, String> ownerOfHash = new HashMap<>();
            Set<String> ids = new HashSet<>();
            for (ConfigNode a : node.list(false)) {
                if (!a.isObject(true)) {
                    continue;
                }
                a.allowOnly(Set.of("id", "plan", "operator", "key-hashes"));
                Optional<String> id = a.string("id", true);
                id.ifPresent(i -> {
                    if (!ids.add(i)) {
                        a.get("id").problem("duplicate account '" + i + "'");
                    }
                });
                Optional<String> plan = a.string("plan", true);
                if (plan.isPresent() && !plans.containsKey(plan.get()) && !declaredPlans.contains(plan.get())) {
                    a.get("plan").problem("unknown plan '" + plan.get() + "'");
                }
                boolean operator = a.bool("operator").orElse(false);
                List<String> hashes = a.strings("key-hashes");
                if (hashes.isEmpty()) {
                    a.get("key-hashes").problem("at least one key hash is required (make one with: java -jar llm-router.jar hash-key)");
                }
                for (int i = 0; i < hashes.size(); i++) {
                    ConfigNode at = new ConfigNode(null, a.path() + ".key-hashes[" + i + "]", problems);
                    String h = hashes.get(i);
                    if (!KeyHasher.isStoredForm(h)) {
                        // Never echo the value: it may be a plain key pasted by mistake.
                        at.problem("not a stored key hash (expected sha256: and 64 lowercase hex digits; "
                                + "make one with: java -jar llm-router.jar hash-key)");
                    } else {
                        String owner = ownerOfHash.putIfAbsent(h, id.orElse("?"));
                        if (owner != null) {
                            at.problem("the same key is already used by account '" + owner + "'");
                        }
                    }
                }
                if (id.isPresent() && plan.isPresent()) {
                    accounts.add(new AccountSpec(id.get(), plan.get(), operator, hashes));
                }
            }
        }

        // ---- breakers, retry, server -------------------------------------------------------

        private BreakerSettings readBreaker(ConfigNode b, BreakerSettings base) {
            if (!b.isPresent() || !b.isObject(false)) {
                return base;
            }
            b.allowOnly(Set.of("window-calls", "window-duration", "minimum-calls", "failure-rate-threshold",
                    "slow-call-threshold", "open-duration", "open-duration-multiplier", "max-open-duration",
                    "half-open-probes"));
            if (b.has("window-calls") && b.has("window-duration")) {
                b.problem("give window-calls or window-duration, not both");
            }
            int windowCalls = base.windowCalls();
            Optional<Duration> windowDuration = base.windowDuration();
            if (b.has("window-calls")) {
                windowCalls = b.intValue("window-calls", true, 1, 100_000).orElse(base.windowCalls());
                windowDuration = Optional.empty();
            } else if (b.has("window-duration")) {
                windowDuration = b.duration("window-duration", true).or(base::windowDuration);
                windowCalls = 0;
            }
            BreakerSettings s = new BreakerSettings(windowCalls, windowDuration,
                    b.intValue("minimum-calls", false, 1, 100_000).orElse(base.minimumCalls()),
                    b.intValue("failure-rate-threshold", false, 1, 100).orElse(base.failureRateThreshold()),
                    b.duration("slow-call-threshold", false).or(base::slowCallThreshold),
                    b.duration("open-duration", false).orElse(base.openDuration()),
                    b.intValue("open-duration-multiplier", false, 1, 1_000).orElse(base.openDurationMultiplier()),
                    b.duration("max-open-duration", false).orElse(base.maxOpenDuration()),
                    b.intValue("half-open-probes", false, 1, 1_000).orElse(base.halfOpenProbes()));
            s.problems().forEach(b::problem);
            return s;
        }

        /** The {@code retry:} section, read into the router's own settings; invalid values are problems. */
        private RetrySettings readRetry(ConfigNode r) {
            RetrySettings d = RetrySettings.defaults();
            if (!r.isPresent() || !r.isObject(false)) {
                return d;
            }
            r.allowOnly(Set.of("attempts-per-deployment", "initial-backoff", "max-backoff", "jitter", "request-deadline",
                    "attempt-timeout", "first-token-timeout"));
            int attempts = r.intValue("attempts-per-deployment", false, 1, 10).orElse(d.sameDeploymentRetries() + 1);
            Duration initialBackoff = r.duration("initial-backoff", false).orElse(d.backoffMin());
            Duration maxBackoff = r.duration("max-backoff", false).orElse(d.backoffMax());
            double jitter = r.fraction("jitter").map(java.math.BigDecimal::doubleValue).orElse(d.jitter());
            Duration requestDeadline = r.duration("request-deadline", false).orElse(d.requestDeadline());
            Duration attemptTimeout = r.duration("attempt-timeout", false).orElse(d.attemptTimeout());
            Duration firstTokenTimeout = r.duration("first-token-timeout", false).orElse(d.firstTokenTimeout());
            boolean valid = true;
            if (initialBackoff.isNegative()) {
                r.get("initial-backoff").problem("cannot be negative");
                valid = false;
            } else if (maxBackoff.compareTo(initialBackoff) < 0) {
                r.get("max-backoff").problem("cannot be shorter than initial-backoff");
                valid = false;
            }
            for (String key : List.of("request-deadline", "attempt-timeout", "first-token-timeout")) {
                Duration v = switch (key) {
                    case "request-deadline" -> requestDeadline;
                    case "attempt-timeout" -> attemptTimeout;
                    default -> firstTokenTimeout;
                };
                if (v.isZero() || v.isNegative()) {
                    r.get(key).problem("must be positive");
                    valid = false;
                }
            }
            if (attemptTimeout.compareTo(requestDeadline) > 0) {
                r.get("attempt-timeout").problem("cannot be longer than request-deadline (" + requestDeadline + ")");
            }
            // An invalid section stops the start with its problems; the defaults only stand in meanwhile.
            return valid ? new RetrySettings(attempts - 1, initialBackoff, maxBackoff, jitter, requestDeadline,
                    attemptTimeout, firstTokenTimeout) : d;
        }

        private ServerSettings readServer(ConfigNode s) {
            ServerSettings d = ServerSettings.defaults(ServerSettings.DEFAULT_PORT,
                    dev.llmrouter.app.http.GatewayContext.DEFAULT_MAX_BODY_BYTES);
            if (!s.isPresent() || !s.isObject(false)) {
                return d;
            }
            s.allowOnly(Set.of("port", "max-body-bytes", "shutdown-grace", "body-read-timeout",
                    "body-min-bytes-per-second", "max-connections"));
            Duration bodyReadTimeout = s.duration("body-read-timeout", false).orElse(d.bodyReadTimeout());
            if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
                s.get("body-read-timeout").problem("must be positive");
                bodyReadTimeout = d.bodyReadTimeout();
            }
            return new ServerSettings(
                    s.intValue("port", false, 0, 65_535).orElse(d.port()),
                    s.integer("max-body-bytes", false, 1, Long.MAX_VALUE).orElse(d.maxBodyBytes()),
                    s.duration("shutdown-grace", false).orElse(d.shutdownGrace()),
                    bodyReadTimeout,
                    s.integer("body-min-bytes-per-second", false, 1, Long.MAX_VALUE).orElse(d.bodyMinBytesPerSecond()),
                    s.intValue("max-connections", false, 1, Integer.MAX_VALUE).orElse(d.maxConnections()));
        }

        private LedgerSettings readLedger(ConfigNode l) {
            if (!l.isPresent() || !l.isObject(false)) {
                return LedgerSettings.DEFAULTS;
            }
            l.allowOnly(Set.of("max-records"));
            return new LedgerSettings(l.integer("max-records", false, 1, Long.MAX_VALUE)
                    .orElse(LedgerSettings.DEFAULT_MAX_RECORDS));
        }
    }
}

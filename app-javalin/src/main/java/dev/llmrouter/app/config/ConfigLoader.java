package dev.llmrouter.app.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.llmrouter.adapters.otel.TracingSettings;
import dev.llmrouter.domain.balance.BalancingSettings;
import dev.llmrouter.domain.balance.Strategy;
import dev.llmrouter.domain.catalog.Capability;
import dev.llmrouter.domain.catalog.ModelCatalog;
import dev.llmrouter.domain.catalog.ModelSpec;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.domain.money.Money;
import dev.llmrouter.domain.money.Pricing;
import dev.llmrouter.domain.money.TokenPrice;
import dev.llmrouter.domain.plan.Plan;
import dev.llmrouter.domain.plan.Quota;
import dev.llmrouter.domain.plan.RateLimits;
import dev.llmrouter.domain.region.Region;
import dev.llmrouter.domain.routing.Fleet;
import dev.llmrouter.ports.routing.RetrySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a gateway configuration (YAML) into a validated {@link GatewayConfig}, or reports every
 * problem at once, each by its path ({@code deployments[2].region: unknown region 'eastus9'}).
 *
 * <p>Steps: YAML parsing (duplicate keys are errors), with {@link EnvSubstitution} replacing
 * variables inside the parsed values; then each section, and each entry of a list, is bound to the
 * records of {@link ConfigFile} and checked against the bounds stated on them ({@link ConfigBinder}:
 * Jackson and Bean Validation, collecting problems rather than stopping); then what no record can
 * check alone is checked here: cross references (a deployment's model and region, an account's plan,
 * a breaker override's deployment), rules across keys, and defaults merged in. Only when nothing is
 * wrong are the domain objects assembled. The report lists the problems section by section, entry
 * by entry. The sections that declare what others name (regions, catalog, deployments, plans,
 * accounts, and balancing, which names tiers and models) are read here; how a deployment is reached
 * is read by {@link ConnectionReader}, and the sections that stand alone by {@link SettingsReader}.
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
    private final Optional<Path> dataDir;

    /**
     * A loader without a data directory: a file with no {@code storage:} section keeps its usage
     * ledger in memory (an embedding application, tests, benchmarks). The jar gives one
     * ({@link #withDataDir}), so its default ledger is a file (Requirement 7.6).
     *
     * @param env the environment variables ({@code System::getenv}; a map's {@code get} in tests)
     */
    public ConfigLoader(Function<String, String> env) {
        this(env, Optional.empty());
    }

    private ConfigLoader(Function<String, String> env, Optional<Path> dataDir) {
        this.env = env;
        this.dataDir = dataDir;
    }

    /**
     * The same loader with a data directory: a configuration without a JDBC ledger keeps its ledger in
     * an H2 file there, and a JDBC ledger's spool defaults to {@code <dataDir>/spool}.
     */
    public ConfigLoader withDataDir(Path dir) {
        return new ConfigLoader(env, Optional.of(dir));
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
        return new Reading(root, problems, source).read();
    }

    /** The order of the report: problems before parsing, then section by section, entry by entry. */
    private static final List<String> SECTION_ORDER = List.of("regions", "catalog", "deployments", "plans", "accounts",
            "breakers", "retry", "server", "ledger", "storage", "telemetry");

    private static List<ConfigProblem> inFileOrder(List<ConfigProblem> problems) {
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt((ConfigProblem p) -> SECTION_ORDER.indexOf(p.path().split("[.\\[]", 2)[0]))
                .thenComparingInt(p -> {
                    Matcher index = FIRST_INDEX.matcher(p.path());
                    if (index.find()) {
                        return Integer.parseInt(index.group(1));
                    }
                    return p.path().contains(".") ? Integer.MAX_VALUE : -1; // a section's own problem first
                }));
        return sorted;
    }

    private static final Pattern FIRST_INDEX = Pattern.compile("\\[(\\d+)]");

    /** One reading of one document: the problems found so far and what has been resolved. */
    private final class Reading {
        private final JsonNode root;
        private final List<ConfigProblem> problems;
        private final ConfigBinder binder;
        private final SettingsReader settings;
        private final ConnectionReader reach;
        private final String source;
        private final Map<String, Region> regions = new LinkedHashMap<>();
        private final Map<String, ModelSpec> models = new LinkedHashMap<>();
        private final Map<String, Plan> plans = new LinkedHashMap<>();
        private final List<Deployment> deployments = new ArrayList<>();
        private final Map<DeploymentId, DeploymentSettings> connections = new LinkedHashMap<>();
        private final List<AccountSpec> accounts = new ArrayList<>();
        private final Set<String> deploymentIds = new HashSet<>();
        private final Map<String, Integer> weights = new HashMap<>();
        /** Each {@code spillover-to} by its path, checked once every deployment id is known. */
        private final Map<String, String> spillovers = new LinkedHashMap<>();
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

        Reading(JsonNode root, List<ConfigProblem> problems, String source) {
            this.root = root;
            this.problems = problems;
            this.binder = new ConfigBinder(problems);
            this.settings = new SettingsReader(binder, dataDir);
            this.reach = new ConnectionReader(binder, env);
            this.source = source;
        }

        GatewayConfig read() {
            if (ConfigBinder.absent(root)) {
                problems.add(new ConfigProblem("", "the file " + source + " is empty (it needs at least the sections "
                        + "regions, catalog, deployments and plans)"));
                throw new InvalidConfigException(source, problems);
            }
            if (!root.isObject()) {
                problems.add(new ConfigProblem("", "the top level of " + source + " must be a mapping of sections "
                        + "(regions, catalog, deployments, plans, ...)"));
                throw new InvalidConfigException(source, problems);
            }
            ConfigFile.Sections file = binder.bind(root, "", ConfigFile.Sections.class).orElseThrow(
                    () -> new InvalidConfigException(source, problems));
            readRegions(file.regions());
            readCatalog(file.catalog());
            readDeployments(file.deployments());
            readPlans(file.plans());
            readAccounts(file.accounts());
            SettingsReader.Breakers breakers = settings.readBreakers(file.breakers(), deploymentIds, deployments);
            RetrySettings retry = settings.readRetry(file.retry());
            BalancingSettings balancing = readBalancing(file.balancing());
            ServerSettings server = settings.readServer(file.server());
            LedgerSettings ledger = settings.readLedger(file.ledger());
            StorageSettings storage = settings.readStorage(file.storage());
            TracingSettings telemetry = settings.readTelemetry(file.telemetry());
            if (storage.quotaLease().compareTo(retry.requestDeadline()) <= 0) {
                // A reservation must outlive its request, or a slow request's settle would find it gone.
                binder.problem("storage.quota.lease", "must be longer than retry.request-deadline ("
                        + retry.requestDeadline() + ")");
            }

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
                throw new InvalidConfigException(source, inFileOrder(problems));
            }
            return new GatewayConfig(source, fleet, plans, accounts, connections, breakers.defaults(),
                    breakers.byDeployment(), retry, server, ledger, balancing, storage, telemetry);
        }

        /**
         * The {@code balancing:} section and the deployments' weights: the default strategy (balanced
         * unless given), strategies per tier and per model, each name checked.
         */
        private BalancingSettings readBalancing(JsonNode node) {
            Map<DeploymentId, Integer> weightsById = new HashMap<>();
            weights.forEach((id, w) -> weightsById.put(DeploymentId.of(id), w));
            Optional<ConfigFile.BalancingEntry> bound = binder.bind(node, "balancing", ConfigFile.BalancingEntry.class);
            Strategy defaultStrategy = bound.map(ConfigFile.BalancingEntry::strategy)
                    .flatMap(name -> strategy(name, "balancing.strategy")).orElse(Strategy.BALANCED);
            Map<Tier, Strategy> byTier = new EnumMap<>(Tier.class);
            Map<String, Strategy> byModel = new HashMap<>();
            if (bound.isPresent()) {
                for (Map.Entry<String, JsonNode> e : binder.mapping(bound.get().tiers(), "balancing.tiers")) {
                    String at = "balancing.tiers." + e.getKey();
                    Optional<Tier> tier = Tier.parse(e.getKey());
                    if (tier.isEmpty()) {
                        binder.problem(at, "unknown tier '" + e.getKey() + "' (premium, standard, economy)");
                    }
                    strategy(e.getValue().asText(), at).ifPresent(s -> tier.ifPresent(t -> byTier.put(t, s)));
                }
                for (Map.Entry<String, JsonNode> e : binder.mapping(bound.get().models(), "balancing.models")) {
                    String at = "balancing.models." + e.getKey();
                    if (!models.containsKey(e.getKey()) && !declaredModels.contains(e.getKey())) {
                        binder.problem(at, "unknown model '" + e.getKey() + "'");
                    }
                    strategy(e.getValue().asText(), at).ifPresent(s -> byModel.put(e.getKey(), s));
                }
            }
            return new BalancingSettings(defaultStrategy, byTier, byModel, weightsById);
        }

        private Optional<Strategy> strategy(String name, String at) {
            Optional<Strategy> s = Strategy.parse(name);
            if (s.isEmpty()) {
                binder.problem(at, "unknown strategy '" + name + "' (balanced, weighted, capacity, least-busy, latency)");
            }
            return s;
        }

        // ---- regions -----------------------------------------------------------------------

        private void readRegions(JsonNode node) {
            for (Map.Entry<String, JsonNode> item : binder.list(node, "regions", true, "at least one region is required")) {
                String at = item.getKey();
                binder.bind(item.getValue(), at, ConfigFile.RegionEntry.class).ifPresent(r -> {
                    if (r.name() != null) {
                        declaredRegions.add(r.name());
                    }
                    if (r.name() != null && r.geography() != null
                            && regions.putIfAbsent(r.name(), Region.of(r.name(), r.geography())) != null) {
                        binder.problem(at + ".name", "duplicate region '" + r.name() + "'");
                    }
                });
            }
        }

        // ---- catalog -----------------------------------------------------------------------

        private void readCatalog(JsonNode node) {
            if (ConfigBinder.absent(node)) {
                binder.problem("catalog", "is required");
                return;
            }
            Optional<ConfigFile.Catalog> section = binder.bind(node, "catalog", ConfigFile.Catalog.class);
            if (section.isEmpty()) {
                return;
            }
            boolean modelFailed = false;
            for (Map.Entry<String, JsonNode> item : binder.list(section.get().models(), "catalog.models", true,
                    "at least one model is required")) {
                String at = item.getKey();
                Optional<ModelSpec> spec = readModel(item.getValue(), at);
                spec.ifPresent(m -> {
                    if (models.putIfAbsent(m.id(), m) != null) {
                        binder.problem(at + ".id", "duplicate model '" + m.id() + "'");
                    }
                });
                modelFailed |= spec.isEmpty();
            }
            Map<Tier, String> tierModels = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : binder.mapping(section.get().tiers(), "catalog.tiers")) {
                String at = "catalog.tiers." + e.getKey();
                Optional<Tier> tier = Tier.parse(e.getKey());
                if (tier.isEmpty()) {
                    binder.problem(at, "unknown tier '" + e.getKey() + "' (expected premium, standard or economy)");
                    continue;
                }
                Optional<String> modelId = binder.value(e.getValue(), at, String.class);
                if (ConfigBinder.absent(e.getValue())) {
                    binder.problem(at, "is required");
                }
                ModelSpec spec = modelId.map(models::get).orElse(null);
                if (spec != null && spec.tier() == tier.get()) {
                    tierModels.put(tier.get(), spec.id());
                    continue;
                }
                tiersInDoubt.add(tier.get()); // the mistake is reported here, or at the model's own entry
                if (spec != null) {
                    binder.problem(at, "model '" + spec.id() + "' is of tier " + spec.tier().id() + ", not " + tier.get().id());
                } else if (modelId.isPresent() && !declaredModels.contains(modelId.get())) {
                    binder.problem(at, "unknown model '" + modelId.get() + "'");
                }
            }
            try {
                ModelCatalog.Builder builder = ModelCatalog.builder();
                models.values().forEach(builder::model);
                tierModels.forEach(builder::tierModel);
                catalog = builder.build();
            } catch (IllegalArgumentException e) {
                if (!modelFailed) { // a catalog short of what a failed entry would have given: said at that entry
                    binder.problem("catalog", e.getMessage());
                }
            }
        }

        /** A model entry; one that fails still declares its id and tier (see {@link #tiersInDoubt}). */
        private Optional<ModelSpec> readModel(JsonNode node, String at) {
            Optional<ConfigFile.ModelEntry> bound = binder.bind(node, at, ConfigFile.ModelEntry.class);
            if (bound.isEmpty()) {
                brokenModelOfUnknownTier = true;
                return Optional.empty();
            }
            ConfigFile.ModelEntry m = bound.get();
            if (m.id() != null) {
                declaredModels.add(m.id());
            }
            Optional<Pricing> pricing = readPrice(m.price(), at + ".price");
            boolean failed = binder.hasProblemsAt(at) || pricing.isEmpty();
            if (!failed && m.maxOutputTokens() > m.contextWindow()) { // checked once the two are known good
                binder.problem(at + ".max-output-tokens", "cannot exceed the context window (" + m.contextWindow() + ")");
                failed = true;
            }
            // An unknown capability is reported, but the model still serves what it can do.
            EnumSet<Capability> capabilities = EnumSet.noneOf(Capability.class);
            List<String> names = m.capabilities() == null ? List.of() : m.capabilities();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                Optional<Capability> c = name == null ? Optional.empty() : ConfigBinder.parseEnum(Capability.class, name);
                if (c.isPresent()) {
                    capabilities.add(c.get());
                } else if (name == null && !binder.hasProblemAtExactly(at + ".capabilities")) {
                    binder.problem(at + ".capabilities[" + i + "]", "must be a non-empty value");
                } else if (name != null && !binder.hasProblemsAt(at + ".capabilities[" + i + "]")) {
                    binder.problem(at + ".capabilities[" + i + "]",
                            "unknown capability '" + name + "' (expected chat, text-completion, embeddings, responses, vision, tools or reasoning)");
                }
            }
            boolean generates = capabilities.contains(Capability.CHAT) || capabilities.contains(Capability.TEXT_COMPLETION)
                    || capabilities.contains(Capability.RESPONSES) || !capabilities.contains(Capability.EMBEDDINGS);
            if (!failed && generates && m.maxOutputTokens() == 0) {
                binder.problem(at + ".max-output-tokens", "must be at least 1 for a model that generates text (0 only for an embedding model)");
                failed = true;
            }
            if (failed) {
                if (m.tier() != null) {
                    tiersInDoubt.add(m.tier());
                } else {
                    brokenModelOfUnknownTier = true;
                }
                return Optional.empty();
            }
            return Optional.of(new ModelSpec(m.id(), m.family() != null ? m.family() : m.id(), m.tier(),
                    m.contextWindow().intValue(), m.maxOutputTokens().intValue(), m.encoding(), capabilities, pricing.get()));
        }

        private Optional<Pricing> readPrice(ConfigFile.PriceEntry p, String at) {
            if (p == null) {
                return Optional.empty();
            }
            return readPrices(Pricing.FREE, p.per(), p.input(), p.output(), p.cachedInput(), p.cacheWrite(), true, at);
        }

        /**
         * Prices given over {@code base}: each kind given replaces base's, cached input and cache writes
         * not given are the input price ({@code fromInput}, a model's list) or base's (a deployment's
         * override). A cached price above the input price is refused at {@code cached-input}.
         */
        private Optional<Pricing> readPrices(Pricing base, String perText, BigDecimal input, BigDecimal output,
                BigDecimal cachedInput, BigDecimal cacheWrite, boolean fromInput, String at) {
            String per = perText == null ? "1M" : perText.toUpperCase(Locale.ROOT);
            if (!per.equals("1M") && !per.equals("1K")) {
                if (!binder.hasProblemsAt(at + ".per")) {
                    binder.problem(at + ".per", "must be 1M or 1K (dollars per million or per thousand tokens), got '" + per + "'");
                }
                return Optional.empty();
            }
            Optional<TokenPrice> in = input == null ? Optional.of(base.input()) : price(input, at + ".input", per);
            Optional<TokenPrice> out = output == null ? Optional.of(base.output()) : price(output, at + ".output", per);
            Optional<TokenPrice> cached = cachedInput != null ? price(cachedInput, at + ".cached-input", per)
                    : fromInput ? in : Optional.of(base.cachedInput());
            Optional<TokenPrice> write = cacheWrite != null ? price(cacheWrite, at + ".cache-write", per)
                    : fromInput ? in : Optional.of(base.cacheWrite());
            if (in.isEmpty() || out.isEmpty() || cached.isEmpty() || write.isEmpty()) {
                return Optional.empty();
            }
            if (cached.get().nanosPerToken() > in.get().nanosPerToken()) {
                binder.problem(at + ".cached-input", "cannot exceed the input price ($" + in.get().usdPerMillion()
                        + " per 1M tokens): a cached token never costs more than an uncached one, got $"
                        + cached.get().usdPerMillion() + " per 1M tokens");
                return Optional.empty();
            }
            return Optional.of(new Pricing(in.get(), out.get(), cached.get(), write.get()));
        }

        private Optional<TokenPrice> price(BigDecimal usd, String at, String per) {
            if (usd == null || binder.hasProblemsAt(at)) {
                return Optional.empty();
            }
            try {
                return Optional.of(per.equals("1K") ? TokenPrice.perThousand(usd.toPlainString()) : TokenPrice.perMillion(usd));
            } catch (IllegalArgumentException e) {
                binder.problem(at, e.getMessage());
                return Optional.empty();
            }
        }

        // ---- deployments -------------------------------------------------------------------

        private void readDeployments(JsonNode node) {
            for (Map.Entry<String, JsonNode> item : binder.list(node, "deployments", true,
                    "at least one deployment is required")) {
                String at = item.getKey();
                binder.bind(item.getValue(), at, ConfigFile.DeploymentEntry.class).ifPresent(d -> readDeployment(d, at));
            }
            // Checked once every id is known: a spillover target may be declared after the deployment.
            spillovers.forEach((at, target) -> {
                if (!deploymentIds.contains(target)) {
                    binder.problem(at, "unknown deployment '" + target + "'");
                }
            });
        }

        private void readDeployment(ConfigFile.DeploymentEntry d, String at) {
            if (d.id() != null && !deploymentIds.add(d.id())) {
                binder.problem(at + ".id", "duplicate deployment '" + d.id() + "'");
            }
            if (d.model() != null && !models.containsKey(d.model()) && !declaredModels.contains(d.model())) {
                binder.problem(at + ".model", "unknown model '" + d.model() + "'");
            }
            Region region = d.region() == null ? null : regions.get(d.region());
            if (d.region() != null && region == null && !declaredRegions.contains(d.region())) {
                binder.problem(at + ".region", "unknown region '" + d.region() + "'");
            }
            boolean simulated = !ConfigBinder.absent(d.simulated());
            boolean azure = !ConfigBinder.absent(d.auth());
            Optional<DeploymentSettings> connection = Optional.empty();
            if (simulated && azure) {
                binder.problem(at, "give either auth (a real Azure OpenAI deployment) or simulated, not both");
            } else if (!simulated && !azure) {
                binder.problem(at, "needs auth (api-key-env or entra-id) for a real Azure OpenAI deployment, or simulated");
            } else if (simulated) {
                connection = reach.readSimulation(d.simulated(), at + ".simulated", d.id() == null ? "" : d.id())
                        .map(DeploymentSettings.Simulated::new);
            } else {
                DeploymentSettings.Api api = DeploymentSettings.Api.CLASSIC;
                if (d.api() != null) {
                    Optional<DeploymentSettings.Api> named = ConfigBinder.parseEnum(DeploymentSettings.Api.class, d.api());
                    if (named.isEmpty()) {
                        binder.problem(at + ".api", "unknown api '" + d.api() + "' (expected classic or v1)");
                    }
                    api = named.orElse(api);
                }
                DeploymentSettings.Api surface = api;
                connection = reach.readAuth(d.auth(), at + ".auth").map(auth -> new DeploymentSettings.Azure(
                        d.apiVersion() != null ? d.apiVersion() : DEFAULT_API_VERSION, auth, surface));
            }
            Optional<URI> endpoint = Optional.empty();
            if (simulated && d.endpoint() == null) {
                endpoint = Optional.ofNullable(d.id()).map(i -> URI.create("simulated://" + i.replaceAll("[^A-Za-z0-9.-]", "-")));
            } else if (simulated || azure) {
                endpoint = reach.readEndpoint(d.endpoint(), at + ".endpoint");
            }
            if (azure && endpoint.isPresent() && connection.isPresent() && "http".equals(endpoint.get().getScheme())) {
                reach.checkPlainHttp(at + ".endpoint", endpoint.get(), connection.get());
            }
            Optional<Pricing> pricing = Optional.empty();
            ModelSpec model = d.model() == null ? null : models.get(d.model());
            ConfigFile.PriceOverride p = d.price();
            if (p != null && model != null) {
                pricing = readPrices(model.pricing(), p.per(), p.input(), p.output(), p.cachedInput(), p.cacheWrite(),
                        false, at + ".price");
            }
            if (d.spilloverTo() != null) {
                spillovers.put(at + ".spillover-to", d.spilloverTo());
                if (d.spilloverTo().equals(d.id())) {
                    binder.problem(at + ".spillover-to", "a deployment cannot spill over to itself");
                }
            }
            if (!binder.hasProblemsAt(at) && region != null && endpoint.isPresent() && connection.isPresent()) {
                DeploymentId deploymentId = DeploymentId.of(d.id());
                deployments.add(new Deployment(deploymentId, d.model(), region, endpoint.get(),
                        d.azureDeployment() != null ? d.azureDeployment() : d.model(),
                        d.role() != null ? d.role() : ChainRole.PRIMARY, pricing,
                        Optional.ofNullable(d.spilloverTo()).map(DeploymentId::of)));
                connections.put(deploymentId, connection.get());
                if (d.weight() != null) {
                    weights.put(d.id(), d.weight().intValue());
                }
            }
        }


        // ---- plans and accounts ------------------------------------------------------------

        private void readPlans(JsonNode node) {
            for (Map.Entry<String, JsonNode> item : binder.list(node, "plans", true, "at least one plan is required")) {
                String at = item.getKey();
                binder.bind(item.getValue(), at, ConfigFile.PlanEntry.class).ifPresent(p -> readPlan(p, at));
            }
        }

        private void readPlan(ConfigFile.PlanEntry p, String at) {
            if (p.id() != null) {
                declaredPlans.add(p.id());
            }
            Tier highest = p.highestTier();
            Tier defaultTier = p.defaultTier();
            if (highest != null && defaultTier != null && defaultTier.isAbove(highest)) {
                binder.problem(at + ".default-tier", "default tier " + defaultTier.id() + " is above the highest tier " + highest.id());
                return;
            }
            Tier effectiveDefault = defaultTier != null ? defaultTier : highest;
            if (catalog != null && effectiveDefault != null && !catalog.hasTier(effectiveDefault)
                    && !tiersInDoubt.contains(effectiveDefault) && !brokenModelOfUnknownTier) {
                binder.problem(at + (defaultTier != null ? ".default-tier" : ".highest-tier"),
                        "the catalog has no model of tier " + effectiveDefault.id());
            }
            if (binder.hasProblemsAt(at)) {
                return;
            }
            ConfigFile.QuotaEntry q = p.quota();
            Quota quota = q == null ? Quota.UNLIMITED
                    : new Quota(Optional.ofNullable(q.costPerMonth()).map(Money::ofUsd), Optional.ofNullable(q.tokensPerMonth()));
            ConfigFile.RateLimitsEntry l = p.rateLimits();
            RateLimits limits = l == null ? RateLimits.UNLIMITED
                    : new RateLimits(l.requestsPerMinute() == null ? 0 : l.requestsPerMinute(),
                            l.tokensPerMinute() == null ? 0 : l.tokensPerMinute());
            Plan plan = Plan.builder(p.id()).highestTier(highest).defaultTier(effectiveDefault)
                    .fallDown(p.fallDown() == null || p.fallDown()).quota(quota).rateLimits(limits)
                    .maxConcurrentRequests(p.maxConcurrentRequests() == null ? Plan.UNLIMITED_CONCURRENCY
                            : p.maxConcurrentRequests().intValue())
                    .build();
            if (plans.putIfAbsent(plan.id(), plan) != null) {
                binder.problem(at + ".id", "duplicate plan '" + plan.id() + "'");
            }
        }

        private void readAccounts(JsonNode node) {
            Map<String, String> ownerOfHash = new HashMap<>();
            Set<String> ids = new HashSet<>();
            for (Map.Entry<String, JsonNode> item : binder.list(node, "accounts", false, null)) {
                String at = item.getKey();
                Optional<ConfigFile.AccountEntry> bound = binder.bind(item.getValue(), at, ConfigFile.AccountEntry.class);
                if (bound.isEmpty()) {
                    continue;
                }
                ConfigFile.AccountEntry a = bound.get();
                if (a.id() != null && !ids.add(a.id())) {
                    binder.problem(at + ".id", "duplicate account '" + a.id() + "'");
                }
                if (a.plan() != null && !plans.containsKey(a.plan()) && !declaredPlans.contains(a.plan())) {
                    binder.problem(at + ".plan", "unknown plan '" + a.plan() + "'");
                }
                List<String> hashes = a.keyHashes() == null ? List.of() : a.keyHashes();
                if (hashes.isEmpty() && !binder.hasProblemsAt(at + ".key-hashes")) {
                    binder.problem(at + ".key-hashes",
                            "at least one key hash is required (make one with: java -jar llm-router.jar hash-key)");
                }
                for (int i = 0; i < hashes.size(); i++) {
                    String hashAt = at + ".key-hashes[" + i + "]";
                    String h = hashes.get(i);
                    if (binder.hasProblemsAt(hashAt) || binder.hasProblemAtExactly(at + ".key-hashes")) {
                        continue; // reported (a single value stands for a list of one)
                    }
                    if (h == null) {
                        binder.problem(hashAt, "must be a non-empty value");
                    } else if (!KeyHasher.isStoredForm(h)) {
                        // Never echo the value: it may be a plain key pasted by mistake.
                        binder.problem(hashAt, "not a stored key hash (expected sha256: and 64 lowercase hex digits; "
                                + "make one with: java -jar llm-router.jar hash-key)");
                    } else {
                        String owner = ownerOfHash.putIfAbsent(h, a.id() != null ? a.id() : "?");
                        if (owner != null) {
                            binder.problem(hashAt, "the same key is already used by account '" + owner + "'");
                        }
                    }
                }
                if (!binder.hasProblemsAt(at)) {
                    accounts.add(new AccountSpec(a.id(), a.plan(), a.operator() != null && a.operator(), hashes));
                }
            }
        }

    }
}

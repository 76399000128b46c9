package dev.llmrouter.app.config;

import static java.util.Objects.requireNonNullElse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmrouter.app.sim.SimulationProfile;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a deployment entry is reached: its endpoint, its credentials ({@code auth:}, the key read from
 * the environment variable it names) or its simulation profile ({@code simulated:}), and the rule
 * that no credential crosses the network in clear. Problems go to the reading's {@link ConfigBinder}.
 */
final class ConnectionReader {

    private final ConfigBinder binder;
    private final Function<String, String> env;

    ConnectionReader(ConfigBinder binder, Function<String, String> env) {
        this.binder = binder;
        this.env = env;
    }

    Optional<URI> readEndpoint(String text, String at) {
        if (text == null) {
            if (!binder.hasProblemsAt(at)) {
                binder.problem(at, "is required");
            }
            return Optional.empty();
        }
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                binder.problem(at, "must be an http(s) URL such as https://contoso-eastus.openai.azure.com, got '" + text + "'");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            binder.problem(at, "not a valid URL: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Credentials never cross the network in clear: plain http is accepted only for a loopback
     * host (a local test double) and only with a key, never with an Entra ID token.
     */
    void checkPlainHttp(String at, URI endpoint, DeploymentSettings connection) {
        boolean entra = connection instanceof DeploymentSettings.Azure a && a.auth() instanceof AzureAuth.EntraId;
        if (entra) {
            binder.problem(at, "Entra ID tokens are sent only over https, got '" + endpoint + "'");
        } else if (!isLoopback(endpoint.getHost())) {
            binder.problem(at, "plain http is allowed only to a loopback host (a local test double); use https for '"
                    + endpoint.getHost() + "'");
        }
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }

    /** {@code auth: {api-key-env: NAME}} or {@code auth: {entra-id: {client-id: optional}}}. */
    Optional<AzureAuth> readAuth(JsonNode node, String at) {
        Optional<ConfigFile.AuthEntry> bound = binder.bind(node, at, ConfigFile.AuthEntry.class);
        if (bound.isEmpty()) {
            return Optional.empty();
        }
        // "entra-id:" with nothing after it is YAML null: still a choice of Entra ID with the default chain.
        boolean key = node.hasNonNull("api-key-env");
        boolean entra = node.has("entra-id");
        if (key == entra) {
            binder.problem(at, "give exactly one of api-key-env (the name of the variable holding the key) or entra-id");
            return Optional.empty();
        }
        if (key) {
            String name = bound.get().apiKeyEnv();
            if (name == null) {
                return Optional.empty(); // reported where it is
            }
            String value = env.apply(name);
            if (value == null || value.isBlank()) {
                binder.problem(at + ".api-key-env", "environment variable " + name + " is not set");
                return Optional.empty();
            }
            return Optional.of(new AzureAuth.ApiKey(name, new Secret(value)));
        }
        JsonNode entraNode = bound.get().entraId();
        if (ConfigBinder.absent(entraNode)) {
            return Optional.of(new AzureAuth.EntraId(Optional.empty()));
        }
        return binder.bind(entraNode, at + ".entra-id", ConfigFile.EntraIdEntry.class)
                .filter(e -> !binder.hasProblemsAt(at + ".entra-id"))
                .map(e -> new AzureAuth.EntraId(Optional.ofNullable(e.clientId())));
    }

    Optional<SimulationProfile> readSimulation(JsonNode node, String at, String deploymentId) {
        Optional<ConfigFile.SimulationEntry> bound = binder.bind(node, at, ConfigFile.SimulationEntry.class);
        if (bound.isEmpty()) {
            return Optional.empty();
        }
        ConfigFile.SimulationEntry s = bound.get();
        BigDecimal failure = binder.or(s.failureRate(), at + ".failure-rate", BigDecimal.ZERO);
        BigDecimal throttle = binder.or(s.throttleRate(), at + ".throttle-rate", BigDecimal.ZERO);
        BigDecimal slow = binder.or(s.slowRate(), at + ".slow-rate", BigDecimal.ZERO);
        if (failure.add(throttle).add(slow).compareTo(BigDecimal.ONE) > 0) {
            binder.problem(at, "failure-rate + throttle-rate + slow-rate cannot exceed 1");
        }
        if (binder.hasProblemsAt(at)) {
            return Optional.empty();
        }
        // A stable default seed per deployment: the same file gives the same faults on every start.
        return Optional.of(new SimulationProfile(
                requireNonNullElse(s.latency(), SimulationProfile.DEFAULT_LATENCY),
                requireNonNullElse(s.chunkDelay(), SimulationProfile.DEFAULT_CHUNK_DELAY),
                failure.doubleValue(), throttle.doubleValue(),
                requireNonNullElse(s.retryAfter(), SimulationProfile.DEFAULT_RETRY_AFTER),
                slow.doubleValue(),
                binder.or(s.slowLatency(), at, SimulationProfile.DEFAULT_SLOW_LATENCY),
                binder.or(s.streamCutRate(), at, BigDecimal.ZERO).doubleValue(),
                binder.or(s.seed(), at, (long) deploymentId.hashCode()),
                binder.or(s.tokensPerMinute(), at + ".tokens-per-minute", 0L),
                binder.or(s.requestsPerMinute(), at + ".requests-per-minute", 0L)));
    }
}

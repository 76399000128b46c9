package dev.llmrouter.domain.breaker;

import dev.llmrouter.domain.deployment.DeploymentId;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One {@link CircuitBreaker} per deployment, created on first use from that deployment's
 * {@link BreakerConfig}, all reporting to one listener.
 */
public final class Breakers {

    private final Function<DeploymentId, BreakerConfig> configs;
    private final BreakerListener listener;
    private final ConcurrentHashMap<DeploymentId, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    /**
     * @param configs  the configuration of each deployment's breaker (e.g. {@code id -> defaults()}, or
     *                 a lookup in the fleet's configuration with a fallback)
     * @param listener receives every transition of every breaker
     */
    public Breakers(Function<DeploymentId, BreakerConfig> configs, BreakerListener listener) {
        this.configs = Objects.requireNonNull(configs, "configs");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Every deployment with {@link BreakerConfig#defaults()}. */
    public static Breakers withDefaults(BreakerListener listener) {
        return new Breakers(id -> BreakerConfig.defaults(), listener);
    }

    /** The deployment's breaker, created closed on first use. */
    public CircuitBreaker forDeployment(DeploymentId deployment) {
        Objects.requireNonNull(deployment, "deployment");
        CircuitBreaker existing = breakers.get(deployment); // the common case takes no lock
        return existing != null ? existing
                : breakers.computeIfAbsent(deployment,
                        id -> new CircuitBreaker(id, Objects.requireNonNull(configs.apply(id), "config of " + id),
                                listener));
    }

    /** The deployment's breaker if one was created. */
    public Optional<CircuitBreaker> find(DeploymentId deployment) {
        return Optional.ofNullable(breakers.get(deployment));
    }

    /** The status of every breaker created so far, by deployment name (for gauges and operators). */
    public Map<DeploymentId, BreakerStatus> statuses() {
        Map<DeploymentId, BreakerStatus> statuses = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        breakers.forEach((id, breaker) -> statuses.put(id, breaker.status()));
        return Collections.unmodifiableMap(statuses);
    }
}

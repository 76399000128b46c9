package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.breaker.BreakerConfig;
import dev.llmrouter.domain.breaker.BreakerListener;
import dev.llmrouter.domain.breaker.BreakerState;
import dev.llmrouter.domain.breaker.Breakers;
import dev.llmrouter.domain.breaker.CircuitBreaker;
import dev.llmrouter.domain.breaker.Cooldown;
import dev.llmrouter.domain.breaker.EpochNanos;
import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Deployment health on the domain's circuit breakers ({@link Breakers}, one {@link CircuitBreaker} per
 * deployment, Requirement 6) and throttling cooldowns ({@link Cooldown}, Requirement 1.5).
 *
 * <p>A cooldown is checked first and takes no breaker permit, so a throttled deployment never uses
 * up a half-open probe. A neutral ending (the deployment answered, but the answer says nothing about
 * its health: a caller's bad request, a content filter, a 429, a caller who left) returns the permit
 * as a success of zero duration: the breaker's protocol wants one outcome per permit, the deployment
 * did answer, and a zero duration keeps the slow-call rule out of it.
 */
public final class BreakerDeploymentHealth implements DeploymentHealth {

    private final Breakers breakers;
    private final ConcurrentHashMap<DeploymentId, Cooldown> cooldowns = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<DeploymentId, AtomicLong> transitions = new ConcurrentHashMap<>();

    /**
     * @param configs  each deployment's breaker settings
     * @param listener hears every transition (after this class has counted it)
     */
    public BreakerDeploymentHealth(Function<DeploymentId, BreakerConfig> configs, BreakerListener listener) {
        Objects.requireNonNull(listener, "listener");
        this.breakers = new Breakers(configs, t -> {
            transitions.computeIfAbsent(t.deployment(), id -> new AtomicLong()).incrementAndGet();
            listener.onTransition(t);
        });
    }

    /** Every deployment with {@link BreakerConfig#defaults()}, transitions unobserved. */
    public static BreakerDeploymentHealth withDefaults() {
        return new BreakerDeploymentHealth(id -> BreakerConfig.defaults(), BreakerListener.NONE);
    }

    /** The deployment's breaker (created closed on first use), for operators and tests. */
    public CircuitBreaker breaker(DeploymentId deployment) {
        return breakers.forDeployment(deployment);
    }

    @Override
    public Availability tryAcquire(DeploymentId deployment, Instant now) {
        Cooldown cooldown = cooldowns.get(deployment);
        if (cooldown != null && cooldown.isCoolingDown(now)) {
            return Availability.coolingDown(cooldown.until().orElseThrow());
        }
        CircuitBreaker breaker = breakers.forDeployment(deployment);
        return breaker.tryAcquirePermission(EpochNanos.of(now)) ? Availability.AVAILABLE
                : Availability.breakerOpen(breaker.expectedAvailableAt());
    }

    @Override
    public void onSuccess(DeploymentId deployment, Duration took, Instant now) {
        breakers.forDeployment(deployment).onSuccess(took.toNanos(), EpochNanos.of(now));
    }

    @Override
    public void onFailure(DeploymentId deployment, Duration took, Instant now) {
        breakers.forDeployment(deployment).onFailure(took.toNanos(), EpochNanos.of(now));
    }

    @Override
    public void onNeutral(DeploymentId deployment, Duration took, Instant now) {
        breakers.forDeployment(deployment).onSuccess(0, EpochNanos.of(now));
    }

    @Override
    public void coolDownUntil(DeploymentId deployment, Instant until) {
        cooldowns.computeIfAbsent(deployment, id -> new Cooldown()).coolDownUntil(until);
    }

    /** The later of the breaker's open-until and the cooldown's end, when it is after {@code now}. */
    @Override
    public Optional<Instant> expectedBack(DeploymentId deployment, Instant now) {
        Optional<Instant> open = breakers.find(deployment).flatMap(CircuitBreaker::expectedAvailableAt);
        Optional<Instant> cool = Optional.ofNullable(cooldowns.get(deployment)).flatMap(Cooldown::until);
        Instant back = null;
        for (Optional<Instant> t : java.util.List.of(open, cool)) {
            if (t.isPresent() && t.get().isAfter(now) && (back == null || t.get().isAfter(back))) {
                back = t.get();
            }
        }
        return Optional.ofNullable(back);
    }

    @Override
    public DeploymentStatus status(Deployment deployment, Instant now) {
        DeploymentId id = deployment.id();
        BreakerState state = breakers.find(id).map(CircuitBreaker::state).orElse(null);
        int calls = 0;
        int failures = 0;
        if (state instanceof BreakerState.Closed closed) {
            calls = closed.window().calls();
            failures = closed.window().failures();
        }
        Optional<Instant> openUntil = state instanceof BreakerState.Open open ? Optional.of(open.until()) : Optional.empty();
        Optional<Instant> coolingUntil = Optional.ofNullable(cooldowns.get(id))
                .filter(c -> c.isCoolingDown(now)).flatMap(Cooldown::until);
        String name = state == null ? "closed" : state.status().name().toLowerCase(Locale.ROOT);
        long moved = Optional.ofNullable(transitions.get(id)).map(AtomicLong::get).orElse(0L);
        return new DeploymentStatus(deployment, name, openUntil, coolingUntil, calls, failures, moved);
    }
}

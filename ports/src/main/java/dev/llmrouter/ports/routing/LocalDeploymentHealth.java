package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cooldowns only, no breaker: every deployment is always closed. For embedders that want no circuit
 * breaking ({@code Router.builder().health(new LocalDeploymentHealth())}); the default is
 * {@link BreakerDeploymentHealth}.
 *
 * <p>A cooldown deadline only moves later (an atomic max per deployment).
 */
public final class LocalDeploymentHealth implements DeploymentHealth {

    private final ConcurrentHashMap<DeploymentId, Instant> cooldowns = new ConcurrentHashMap<>();

    @Override
    public Availability tryAcquire(DeploymentId deployment, Instant now) {
        Instant until = cooldowns.get(deployment);
        return until != null && now.isBefore(until) ? Availability.coolingDown(until) : Availability.AVAILABLE;
    }

    @Override
    public void onSuccess(DeploymentId deployment, Duration took, Instant now) {}

    @Override
    public void onFailure(DeploymentId deployment, Duration took, Instant now) {}

    @Override
    public void onNeutral(DeploymentId deployment, Duration took, Instant now) {}

    @Override
    public void coolDownUntil(DeploymentId deployment, Instant until) {
        cooldowns.merge(deployment, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public Optional<Instant> expectedBack(DeploymentId deployment, Instant now) {
        return Optional.ofNullable(cooldowns.get(deployment)).filter(now::isBefore);
    }

    @Override
    public DeploymentStatus status(Deployment deployment, Instant now) {
        return new DeploymentStatus(deployment, "closed", Optional.empty(),
                expectedBack(deployment.id(), now), 0, 0, 0);
    }
}

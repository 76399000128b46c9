package dev.llmrouter.ports.routing;

import dev.llmrouter.domain.deployment.Deployment;
import dev.llmrouter.domain.deployment.DeploymentId;
import dev.llmrouter.ports.admin.DeploymentStatusQuery.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A hand-written {@link DeploymentHealth}: breakers held open by the test, cooldowns as the real rule
 * (later deadline wins), and a log of every report the executor made.
 */
final class RecordingHealth implements DeploymentHealth {

    final Map<DeploymentId, Instant> openUntil = new HashMap<>();
    final Map<DeploymentId, Instant> coolingUntil = new HashMap<>();
    final List<String> log = new ArrayList<>();
    int granted;
    int reported;

    RecordingHealth open(String deployment, Instant until) {
        openUntil.put(DeploymentId.of(deployment), until);
        return this;
    }

    @Override
    public synchronized Availability tryAcquire(DeploymentId deployment, Instant now) {
        Instant cool = coolingUntil.get(deployment);
        if (cool != null && now.isBefore(cool)) {
            return Availability.coolingDown(cool);
        }
        Instant open = openUntil.get(deployment);
        if (open != null && now.isBefore(open)) {
            return Availability.breakerOpen(Optional.of(open));
        }
        granted++;
        return Availability.AVAILABLE;
    }

    @Override
    public synchronized void onSuccess(DeploymentId deployment, Duration took, Instant now) {
        reported++;
        log.add("success:" + deployment);
    }

    @Override
    public synchronized void onFailure(DeploymentId deployment, Duration took, Instant now) {
        reported++;
        log.add("failure:" + deployment);
    }

    @Override
    public synchronized void onNeutral(DeploymentId deployment, Duration took, Instant now) {
        reported++;
        log.add("neutral:" + deployment);
    }

    @Override
    public synchronized void coolDownUntil(DeploymentId deployment, Instant until) {
        coolingUntil.merge(deployment, until, (a, b) -> a.isAfter(b) ? a : b);
        log.add("cool:" + deployment);
    }

    @Override
    public synchronized Optional<Instant> expectedBack(DeploymentId deployment, Instant now) {
        Optional<Instant> a = Optional.ofNullable(openUntil.get(deployment)).filter(now::isBefore);
        Optional<Instant> b = Optional.ofNullable(coolingUntil.get(deployment)).filter(now::isBefore);
        if (a.isPresent() && b.isPresent()) {
            return Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
        }
        return a.isPresent() ? a : b;
    }

    @Override
    public DeploymentStatus status(Deployment deployment, Instant now) {
        return new DeploymentStatus(deployment, expectedBack(deployment.id(), now).isPresent() ? "open" : "closed",
                Optional.ofNullable(openUntil.get(deployment.id())), Optional.ofNullable(coolingUntil.get(deployment.id())),
                0, 0, 0);
    }

    long count(String prefix) {
        return log.stream().filter(s -> s.startsWith(prefix)).count();
    }
}

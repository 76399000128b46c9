package dev.llmrouter.domain.deployment;

import java.util.Objects;

/** Identifies one deployment of the fleet (the router's name for it, not Azure's). */
public record DeploymentId(String value) {

    public DeploymentId {
        Objects.requireNonNull(value, "deployment id");
        if (value.isBlank()) {
            throw new IllegalArgumentException("deployment id cannot be blank");
        }
    }

    public static DeploymentId of(String value) {
        return new DeploymentId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}

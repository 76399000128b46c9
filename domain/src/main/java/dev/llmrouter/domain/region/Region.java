package dev.llmrouter.domain.region;

import java.util.Objects;

/** An Azure region (e.g. {@code eastus}, {@code swedencentral}) and the geography it lies in. */
public record Region(String name, Geography geography) {

    public Region {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(geography, "geography");
        if (name.isBlank()) {
            throw new IllegalArgumentException("region name cannot be blank");
        }
    }

    public static Region of(String name, Geography geography) {
        return new Region(name, geography);
    }
}

package dev.llmrouter.domain.region;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * A data-residency constraint: the regions a request's data may be processed in, named directly or
 * by geography. A region is allowed when it is named or its geography is. {@link #ANY} allows every
 * region. The constraint is absolute: no routing choice, fallback or fall-down may break it.
 */
public record Residency(Set<String> regions, Set<Geography> geographies) {

    public static final Residency ANY = new Residency(Set.of(), Set.of());

    public Residency {
        regions = Set.copyOf(regions);
        geographies = geographies.isEmpty() ? Set.of() : Set.copyOf(geographies);
    }

    public static Residency within(Geography... geographies) {
        return new Residency(Set.of(), Set.of(geographies));
    }

    public static Residency inRegions(String... regions) {
        return new Residency(Set.of(regions), Set.of());
    }

    public boolean isUnconstrained() {
        return regions.isEmpty() && geographies.isEmpty();
    }

    public boolean allows(Region region) {
        return isUnconstrained() || regions.contains(region.name()) || geographies.contains(region.geography());
    }

    /** Readable form for errors and headers, e.g. {@code eu,uk} or {@code swedencentral}. */
    public String describe() {
        if (isUnconstrained()) {
            return "any";
        }
        String g = geographies.stream().map(Geography::id).sorted().collect(Collectors.joining(","));
        String r = regions.stream().sorted().collect(Collectors.joining(","));
        return g.isEmpty() ? r : r.isEmpty() ? g : g + "," + r;
    }
}

package dev.llmrouter.domain.catalog;

import java.util.Locale;
import java.util.Optional;

/** Service tiers, from the most capable (and expensive) to the cheapest. Declaration order is rank. */
public enum Tier {
    PREMIUM,
    STANDARD,
    ECONOMY;

    /** True when this tier is more capable than {@code other}. */
    public boolean isAbove(Tier other) {
        return ordinal() < other.ordinal();
    }

    /** The next tier down, if any. */
    public Optional<Tier> lower() {
        return ordinal() + 1 < values().length ? Optional.of(values()[ordinal() + 1]) : Optional.empty();
    }

    /** The lower of two tiers. */
    public static Tier min(Tier a, Tier b) {
        return a.isAbove(b) ? b : a;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code premium}, {@code standard} or {@code economy}, case-insensitively. */
    public static Optional<Tier> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Tier t : values()) {
            if (t.name().equalsIgnoreCase(value.trim())) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}

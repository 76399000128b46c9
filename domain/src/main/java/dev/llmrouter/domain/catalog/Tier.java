package dev.llmrouter.domain.catalog;

import java.util.Locale;
import java.util.Optional;

/** Service tiers, from the most capable (and expensive) to the cheapest. Declaration order is rank. */
public enum Tier {
    PREMIUM,
    STANDARD,
    ECONOMY;

    /*
     * Ids and optionals are made once: parse, id and lower run on every routing decision, and a
     * lower-cased name or an Optional per call was most of what a cached route still allocated.
     */
    private static final Tier[] VALUES = values();
    private static final Optional<Tier>[] PRESENT = present();

    private final String id = name().toLowerCase(Locale.ROOT);

    @SuppressWarnings("unchecked")
    private static Optional<Tier>[] present() {
        Optional<Tier>[] present = new Optional[VALUES.length];
        for (Tier t : VALUES) {
            present[t.ordinal()] = Optional.of(t);
        }
        return present;
    }

    /** True when this tier is more capable than {@code other}. */
    public boolean isAbove(Tier other) {
        return ordinal() < other.ordinal();
    }

    /** The next tier down, if any. */
    public Optional<Tier> lower() {
        return ordinal() + 1 < VALUES.length ? PRESENT[ordinal() + 1] : Optional.empty();
    }

    /** The lower of two tiers. */
    public static Tier min(Tier a, Tier b) {
        return a.isAbove(b) ? b : a;
    }

    /** The lower-case name, e.g. {@code premium}. */
    public String id() {
        return id;
    }

    /** This tier, present: the same instance every time. */
    public Optional<Tier> asOptional() {
        return PRESENT[ordinal()];
    }

    /**
     * Parses {@code premium}, {@code standard} or {@code economy}, case-insensitively. Every request
     * names a model or a tier and is parsed more than once, so the usual spelling (the lower-case id)
     * is matched exactly first: a plain comparison instead of a case-folding one per tier.
     */
    public static Optional<Tier> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Tier t : VALUES) {
            if (t.id.equals(value)) {
                return PRESENT[t.ordinal()];
            }
        }
        String trimmed = value.trim();
        for (Tier t : VALUES) {
            if (t.name().equalsIgnoreCase(trimmed)) {
                return PRESENT[t.ordinal()];
            }
        }
        return Optional.empty();
    }
}

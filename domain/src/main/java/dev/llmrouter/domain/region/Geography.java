package dev.llmrouter.domain.region;

import java.util.Locale;
import java.util.Optional;

/** The data-residency area a region belongs to. */
public enum Geography {
    US,
    CANADA,
    EU,
    UK,
    SWITZERLAND,
    NORWAY,
    JAPAN,
    AUSTRALIA,
    ASIA_PACIFIC,
    SOUTH_AMERICA,
    MIDDLE_EAST,
    AFRICA,
    INDIA,
    KOREA;

    public static Optional<Geography> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Geography g : values()) {
            if (g.name().equals(v)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package dev.llmrouter.app.config;

import java.util.Objects;

/** A credential read from the environment. Its {@code toString} never shows the value, so it cannot leak into logs. */
public record Secret(String value) {

    public Secret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}

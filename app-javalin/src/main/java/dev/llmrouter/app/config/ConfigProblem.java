package dev.llmrouter.app.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration file, located by its path in the document
 * ({@code deployments[2].region}) or, before parsing, by its line.
 *
 * @param path    where: a YAML path, or {@code line N} for problems found before parsing
 * @param message what is wrong, and where possible what would be right
 */
public record ConfigProblem(String path, String message) {

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}

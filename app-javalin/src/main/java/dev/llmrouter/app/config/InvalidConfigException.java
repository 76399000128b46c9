package dev.llmrouter.app.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found (not only the first), so that one
 * edit fixes them all. Thrown only at the edge, by {@link ConfigLoader}; {@code Main} prints
 * {@link #report()} and exits with status 2, without a stack trace.
 */
public final class InvalidConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;
    private final String source;

    public InvalidConfigException(String source, List<ConfigProblem> problems) {
        super(source + ": " + problems.size() + " problem(s): " + problems, null, false, false);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** One line per problem, for a person to read. */
    public String report() {
        StringBuilder out = new StringBuilder("Invalid configuration ").append(source).append(" (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
        for (ConfigProblem p : problems) {
            out.append(System.lineSeparator()).append("  - ").append(p);
        }
        return out.toString();
    }
}

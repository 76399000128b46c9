package dev.llmrouter.app.config;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a configuration text with values from the
 * environment, before the text is parsed (so a variable can stand for any scalar: a port, an
 * endpoint, a client id).
 *
 * <p>Rules: {@code ${NAME}} needs {@code NAME} to be set — an unset variable is a problem reported
 * by line, never silently empty; {@code ${NAME:-default}} uses the default when {@code NAME} is unset
 * or empty (as the shell does); {@code $${} writes a literal {@code ${}. Lines whose first
 * non-blank character is {@code #} are comments and are left alone, so documentation in a file may
 * mention variables that are not set.
 */
public final class EnvSubstitution {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvSubstitution() {}

    /**
     * @param text     the raw configuration
     * @param env      the environment ({@code System::getenv}, or a map's {@code get} in tests)
     * @param problems where unset variables are reported
     */
    public static String apply(String text, Function<String, String> env, List<ConfigProblem> problems) {
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            String line = lines[i];
            if (line.stripLeading().startsWith("#")) {
                out.append(line);
                continue;
            }
            Matcher m = VARIABLE.matcher(line);
            int last = 0;
            while (m.find()) {
                out.append(line, last, m.start());
                last = m.end();
                if (m.group().equals("$${")) {
                    out.append("${");
                    continue;
                }
                String name = m.group(1);
                String fallback = m.group(2);
                String value = env.apply(name);
                if (fallback != null && (value == null || value.isEmpty())) {
                    out.append(fallback);
                } else if (value == null) {
                    problems.add(new ConfigProblem("line " + (i + 1),
                            "environment variable " + name + " is not set (use ${" + name
                                    + ":-default} to give a default)"));
                } else {
                    out.append(value);
                }
            }
            out.append(line, last, line.length());
        }
        return out.toString();
    }
}

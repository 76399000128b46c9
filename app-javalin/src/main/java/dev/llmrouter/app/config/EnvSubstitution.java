package dev.llmrouter.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in a configuration's values with values from
 * the environment, inside the parsed YAML, so that a variable can stand for any scalar (a port, an
 * endpoint, a client id) but never change the file's structure: whatever the value holds (a newline,
 * {@code key: value}, {@code #}, quotes, {@code ${}), it ends up as exactly one string.
 *
 * <p>How: {@link #mark} replaces each variable in the raw text by a placeholder made of letters,
 * digits and underscores only, which YAML reads as part of the surrounding scalar wherever it stands
 * (plain, quoted, block or inside {@code { }} and {@code [ ]}); the text is parsed; then
 * {@link #substitute} replaces the placeholders in every string value of the tree. The placeholders
 * begin with a prefix that occurs nowhere in the file, so no text of the file is taken for one, and
 * an inserted value is never scanned again.
 *
 * <p>Rules: {@code ${NAME}} needs {@code NAME} to be set — an unset variable is a problem reported
 * by line, never silently empty; {@code ${NAME:-default}} uses the default when {@code NAME} is unset
 * or empty (as the shell does); {@code $${} writes a literal {@code ${}. Comments are not values, so
 * documentation in a file may mention variables that are not set. Keys are names of the schema and
 * are left as written.
 */
public final class EnvSubstitution {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}\\n]*))?}");

    /** One {@code ${...}} (or {@code $${}) of the text: {@code name} is null for the escape. */
    private record Variable(String written, String name, String fallback, int line) {}

    private final String marked;
    private final Pattern placeholder;
    private final List<Variable> variables;

    private EnvSubstitution(String marked, Pattern placeholder, List<Variable> variables) {
        this.marked = marked;
        this.placeholder = placeholder;
        this.variables = variables;
    }

    /** Finds the variables of a configuration text and stands a placeholder in for each. */
    public static EnvSubstitution mark(String text) {
        String prefix = "_env_";
        while (text.contains(prefix)) {
            prefix = "_" + prefix;
        }
        List<Variable> variables = new ArrayList<>();
        StringBuilder out = new StringBuilder(text.length());
        Matcher m = VARIABLE.matcher(text);
        int last = 0;
        int line = 1;
        while (m.find()) {
            line += count(text, last, m.start());
            out.append(text, last, m.start()).append(prefix).append(variables.size()).append('_');
            variables.add(m.group().equals("$${")
                    ? new Variable(m.group(), null, null, line)
                    : new Variable(m.group(), m.group(1), m.group(2), line));
            last = m.end();
        }
        out.append(text, last, text.length());
        return new EnvSubstitution(out.toString(), Pattern.compile(Pattern.quote(prefix) + "(\\d+)_"), List.copyOf(variables));
    }

    /** The text to parse: the configuration with placeholders for its variables. */
    public String text() {
        return marked;
    }

    /**
     * The parsed tree with every variable in its string values replaced.
     *
     * @param tree     what {@link #text()} parsed to (null or missing for an empty file)
     * @param env      the environment ({@code System::getenv}, or a map's {@code get} in tests)
     * @param problems where unset variables are reported, each once, by line
     */
    public JsonNode substitute(JsonNode tree, Function<String, String> env, List<ConfigProblem> problems) {
        if (tree == null || variables.isEmpty()) {
            return tree;
        }
        return walk(tree, env, problems, new BitSet());
    }

    /** A message about the marked text (a YAML error quoting it) with the variables as they were written. */
    public String unmark(String message) {
        if (message == null || variables.isEmpty()) {
            return message;
        }
        return placeholder.matcher(message).replaceAll(r -> Matcher.quoteReplacement(variable(r.group(1)).written()));
    }

    /* The tree is as deep as the parser allows (its nesting limit), so recursion is bounded. */
    private JsonNode walk(JsonNode node, Function<String, String> env, List<ConfigProblem> problems, BitSet reported) {
        if (node.isTextual()) {
            return TextNode.valueOf(resolve(node.textValue(), env, problems, reported));
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(item -> out.add(walk(item, env, problems, reported)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(unmark(e.getKey()), walk(e.getValue(), env, problems, reported));
            }
            return out;
        }
        return node;
    }

    private String resolve(String value, Function<String, String> env, List<ConfigProblem> problems, BitSet reported) {
        Matcher m = placeholder.matcher(value);
        if (!m.find()) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int last = 0;
        do {
            out.append(value, last, m.start());
            last = m.end();
            int index = Integer.parseInt(m.group(1));
            Variable v = variables.get(index);
            if (v.name() == null) {
                out.append("${");
                continue;
            }
            String set = env.apply(v.name());
            if (v.fallback() != null && (set == null || set.isEmpty())) {
                out.append(v.fallback());
            } else if (set != null) {
                out.append(set);
            } else if (!reported.get(index)) {
                // An alias repeats its anchor's value: the variable is still one mistake.
                reported.set(index);
                problems.add(new ConfigProblem("line " + v.line(), "environment variable " + v.name()
                        + " is not set (use ${" + v.name() + ":-default} to give a default)"));
            }
        } while (m.find());
        out.append(value, last, value.length());
        return out.toString();
    }

    private Variable variable(String index) {
        return variables.get(Integer.parseInt(index));
    }

    private static int count(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}

package dev.llmrouter.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in the parsed YAML tree that knows its path and reports problems instead of throwing.
 *
 * <p>Why a hand-written reader rather than data binding: binding stops at the first error, and a
 * configuration report must list every problem at once, each at its path. Every accessor here
 * returns an {@link Optional} (empty when the value is absent or wrong, in which case a problem has
 * been recorded), so validation carries on past a bad value.
 */
final class ConfigNode {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final JsonNode node;
    private final String path;
    private final List<ConfigProblem> problems;

    ConfigNode(JsonNode node, String path, List<ConfigProblem> problems) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    boolean isPresent() {
        return !node.isMissingNode() && !node.isNull();
    }

    boolean has(String key) {
        return node.isObject() && node.has(key) && !node.get(key).isNull();
    }

    void problem(String message) {
        problems.add(new ConfigProblem(path, message));
    }

    ConfigNode get(String key) {
        return new ConfigNode(node.isObject() ? node.get(key) : null, child(key), problems);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Reports keys this object does not know (a typo must not be silently ignored). */
    ConfigNode allowOnly(Set<String> keys) {
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!keys.contains(k)) {
                    problems.add(new ConfigProblem(child(k), "unknown key (expected one of "
                            + String.join(", ", keys.stream().sorted().toList()) + ")"));
                }
            }
        }
        return this;
    }

    /** True when this is a mapping, reporting nothing. */
    boolean isMapping() {
        return node.isObject();
    }

    /** True when this is an object (reported otherwise, when present). */
    boolean isObject(boolean required) {
        if (node.isObject()) {
            return true;
        }
        if (isPresent()) {
            problem("must be a mapping of keys to values");
        } else if (required) {
            problem("is required");
        }
        return false;
    }

    /** The elements of a list; empty (and reported) when this is not a list. */
    List<ConfigNode> list(boolean required) {
        List<ConfigNode> items = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                items.add(new ConfigNode(node.get(i), path + "[" + i + "]", problems));
            }
        } else if (isPresent()) {
            problem("must be a list");
        } else if (required) {
            problem("is required");
        }
        return items;
    }

    /** The entries of a mapping, in file order. */
    Map<String, ConfigNode> entries() {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(k -> out.put(k, get(k)));
        } else if (isPresent()) {
            problem("must be a mapping of keys to values");
        }
        return out;
    }

    /** The value at {@code key} as text, reporting nothing: a second look at an entry already checked. */
    Optional<String> peek(String key) {
        JsonNode v = node.isObject() ? node.get(key) : null;
        return v != null && v.isValueNode() && !v.isNull() ? Optional.of(v.asText().trim()) : Optional.empty();
    }

    Optional<String> string(String key, boolean required) {
        ConfigNode v = get(key);
        if (!v.isPresent()) {
            if (required) {
                v.problem("is required");
            }
            return Optional.empty();
        }
        if (!v.node.isValueNode()) {
            v.problem("must be a single value");
            return Optional.empty();
        }
        String text = v.node.asText().trim();
        if (text.isEmpty()) {
            v.problem("cannot be empty");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    Optional<Long> integer(String key, boolean required, long min, long max) {
        return string(key, required).flatMap(text -> {
            try {
                long value = new BigDecimal(text.replace("_", "")).longValueExact();
                if (value < min || value > max) {
                    get(key).problem("must be between " + min + " and " + max + ", got " + value);
                    return Optional.empty();
                }
                return Optional.of(value);
            } catch (NumberFormatException | ArithmeticException e) {
                get(key).problem("must be a whole number, got '" + text + "'");
                return Optional.empty();
            }
        });
    }

    Optional<Integer> intValue(String key, boolean required, int min, int max) {
        return integer(key, required, min, max).map(Long::intValue);
    }

    /** An exact decimal, from a quoted string or a YAML number (read without floating point). */
    Optional<BigDecimal> decimal(String key, boolean required) {
        return string(key, required).flatMap(text -> {
            try {
                return Optional.of(new BigDecimal(text));
            } catch (NumberFormatException e) {
                get(key).problem("must be a decimal number, got '" + text + "'");
                return Optional.empty();
            }
        });
    }

    /** A probability in [0, 1], e.g. {@code 0.2}. */
    Optional<BigDecimal> fraction(String key) {
        return decimal(key, false).flatMap(d -> {
            if (d.signum() < 0 || d.compareTo(BigDecimal.ONE) > 0) {
                get(key).problem("must be between 0 and 1, got " + d.toPlainString());
                return Optional.empty();
            }
            return Optional.of(d);
        });
    }

    Optional<Boolean> bool(String key) {
        return string(key, false).flatMap(text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Optional.of(true);
            case "false", "no", "off" -> Optional.of(false);
            default -> {
                get(key).problem("must be true or false, got '" + text + "'");
                yield Optional.empty();
            }
        });
    }

    /** A duration written {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT2S}). */
    Optional<Duration> duration(String key, boolean required) {
        return string(key, required).flatMap(text -> {
            Matcher m = DURATION.matcher(text);
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    return Optional.of(switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    });
                }
                return Optional.of(Duration.parse(text.toUpperCase(Locale.ROOT)));
            } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
                get(key).problem("must be a duration such as 250ms, 2s, 5m or PT1M, got '" + text + "'");
                return Optional.empty();
            }
        });
    }

    /** One of a fixed set of names, matched case-insensitively with {@code -} and {@code _} alike. */
    <E extends Enum<E>> Optional<E> enumValue(String key, boolean required, Class<E> type, Function<String, Optional<E>> parse) {
        return string(key, required).flatMap(text -> {
            Optional<E> value = parse.apply(text);
            if (value.isEmpty()) {
                List<String> names = new ArrayList<>();
                for (E e : type.getEnumConstants()) {
                    names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
                }
                get(key).problem("unknown value '" + text + "' (expected one of " + String.join(", ", names) + ")");
            }
            return value;
        });
    }

    static <E extends Enum<E>> Optional<E> parseEnum(Class<E> type, String text) {
        String wanted = text.trim().replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(wanted)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** A list of plain strings ({@code [vision, tools]}); a single value counts as a list of one. */
    List<String> strings(String key) {
        ConfigNode v = get(key);
        List<String> out = new ArrayList<>();
        if (!v.isPresent()) {
            return out;
        }
        if (v.node.isValueNode()) {
            out.add(v.node.asText().trim());
            return out;
        }
        for (ConfigNode item : v.list(false)) {
            if (item.node.isValueNode() && !item.node.asText().isBlank()) {
                out.add(item.node.asText().trim());
            } else {
                item.problem("must be a non-empty value");
            }
        }
        return out;
    }
}

package dev.llmrouter.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.llmrouter.domain.catalog.Tier;
import dev.llmrouter.domain.catalog.TokenEncoding;
import dev.llmrouter.domain.deployment.ChainRole;
import dev.llmrouter.domain.region.Geography;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.constraints.Range;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Binds parts of the parsed YAML tree to the records of {@link ConfigFile} with Jackson, checks them
 * with Bean Validation, and reports every problem by its path instead of stopping at the first.
 *
 * <p>How binding goes on past a mistake: the scalar types of the file (text, whole numbers,
 * decimals, booleans, durations, the domain's enums) are read by deserializers of this class that,
 * on a bad value, record a problem at the value's path (taken from the parser's context) and bind
 * null; a {@link DeserializationProblemHandler} does the same for unknown keys (naming the keys the
 * record knows) and for a value of the wrong shape (a list where a mapping belongs). A record is
 * therefore always bound, its bad components null. Bean Validation then checks the bounds stated on
 * the record components; a violation at a path that already has a problem (a required value that
 * was present but unreadable) is not reported a second time. The bound of a setting is stated once,
 * on its component ({@code @Range(min = 0, max = 65_535)}), and the report quotes it with the value
 * that broke it.
 *
 * <p>Messages are interpolated without an expression language ({@link ParameterMessageInterpolator}):
 * the report needs only the constraint's own attributes.
 */
final class ConfigBinder {

    /** What is said of a value where a mapping belongs. */
    private static final String NOT_A_MAPPING = "must be a mapping of keys to values";

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final String SINK = "llmrouter.config.sink";
    private static final String BASE = "llmrouter.config.base";

    private static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class).configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory().getValidator();

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("config-scalars")
                    .addDeserializer(String.class, new Scalar<>("must be a single value", (text, at) -> {
                        if (text.isEmpty()) {
                            at.problem("cannot be empty");
                            return null;
                        }
                        return text;
                    }))
                    .addDeserializer(Long.class, new Scalar<>("must be a single value", ConfigBinder::wholeNumber))
                    .addDeserializer(BigDecimal.class, new Scalar<>("must be a single value", (text, at) -> {
                        try {
                            return new BigDecimal(text);
                        } catch (NumberFormatException e) {
                            return at.problem("must be a decimal number, got '" + text + "'");
                        }
                    }))
                    .addDeserializer(Boolean.class, new Scalar<>("must be a single value", (text, at) ->
                            switch (text.toLowerCase(Locale.ROOT)) {
                                case "true", "yes", "on" -> true;
                                case "false", "no", "off" -> false;
                                default -> at.problem("must be true or false, got '" + text + "'");
                            }))
                    .addDeserializer(Duration.class, new Scalar<>("must be a single value", (text, at) ->
                            parseDuration(text).orElseGet(() ->
                                    at.problem("must be a duration such as 250ms, 2s, 5m or PT1M, got '" + text + "'"))))
                    .addDeserializer(Geography.class, enumScalar(Geography.class, Geography::parse))
                    .addDeserializer(Tier.class, enumScalar(Tier.class, Tier::parse))
                    .addDeserializer(TokenEncoding.class, enumScalar(TokenEncoding.class, t -> parseEnum(TokenEncoding.class, t)))
                    .addDeserializer(ChainRole.class, enumScalar(ChainRole.class, t -> parseEnum(ChainRole.class, t)))
                    .addDeserializer(ConfigFile.WhenUnavailable.class, enumScalar(ConfigFile.WhenUnavailable.class,
                            t -> parseEnum(ConfigFile.WhenUnavailable.class, t)))
                    .addDeserializer(ConfigFile.LedgerKind.class, enumScalar(ConfigFile.LedgerKind.class,
                            t -> parseEnum(ConfigFile.LedgerKind.class, t))))
            .build();

    private final List<ConfigProblem> problems;

    /** @param problems where every problem found is added */
    ConfigBinder(List<ConfigProblem> problems) {
        this.problems = problems;
    }

    /** Records a problem at {@code path}. */
    void problem(String path, String message) {
        problems.add(new ConfigProblem(path, message));
    }

    /** The value read at {@code path}, or {@code fallback} when absent or reported there. */
    <T> T or(T value, String path, T fallback) {
        return value == null || hasProblemsAt(path) ? fallback : value;
    }

    /** True when a problem was reported at exactly {@code path}. */
    boolean hasProblemAtExactly(String path) {
        return problems.stream().anyMatch(p -> p.path().equals(path));
    }

    /** True when a problem was reported at {@code path} or inside it. */
    boolean hasProblemsAt(String path) {
        for (ConfigProblem p : problems) {
            String at = p.path();
            if (at.equals(path) || path.isEmpty()
                    || at.startsWith(path) && (at.charAt(path.length()) == '.' || at.charAt(path.length()) == '[')) {
                return true;
            }
        }
        return false;
    }

    /**
     * A mapping bound to {@code type} and validated; empty when the node is absent (nothing reported)
     * or is not a mapping (reported). Components that could not be read are null, each reported.
     */
    <T> Optional<T> bind(JsonNode node, String path, Class<T> type) {
        if (!isMapping(node, path, NOT_A_MAPPING)) {
            return Optional.empty();
        }
        Optional<T> value = read(node, path, type);
        value.ifPresent(v -> validate(v, path));
        return value;
    }

    /** A single value of one of the file's scalar types (reported when unreadable). */
    <T> Optional<T> value(JsonNode node, String path, Class<T> type) {
        return absent(node) ? Optional.empty() : read(node, path, type);
    }

    /**
     * The entries of a list section, each with its path ({@code deployments[2]}); reports a section
     * that is missing (when required), not a list, or empty, and an entry that is null.
     */
    List<Map.Entry<String, JsonNode>> list(JsonNode node, String path, boolean required, String emptyMessage) {
        List<Map.Entry<String, JsonNode>> items = new ArrayList<>();
        if (absent(node)) {
            if (required) {
                problem(path, "is required");
            }
        } else if (!node.isArray()) {
            problem(path, "must be a list");
        } else if (node.isEmpty() && emptyMessage != null) {
            problem(path, emptyMessage);
        } else {
            for (int i = 0; i < node.size(); i++) {
                String at = path + "[" + i + "]";
                if (absent(node.get(i))) {
                    problem(at, "is required");
                } else {
                    items.add(Map.entry(at, node.get(i)));
                }
            }
        }
        return items;
    }

    /** The entries of the mapping at {@code path}: none when absent; anything but a mapping is reported there. */
    Iterable<Map.Entry<String, JsonNode>> mapping(JsonNode node, String path) {
        return mapping(node, path, NOT_A_MAPPING);
    }

    /** As {@link #mapping(JsonNode, String)}, anything but a mapping reported as {@code notAMapping}. */
    Iterable<Map.Entry<String, JsonNode>> mapping(JsonNode node, String path, String notAMapping) {
        return isMapping(node, path, notAMapping) ? node.properties() : List.of();
    }

    /** Whether {@code node} is a mapping to read: not when absent (nothing reported) or anything else (reported). */
    private boolean isMapping(JsonNode node, String path, String notAMapping) {
        if (absent(node)) {
            return false;
        }
        if (!node.isObject()) {
            problem(path, notAMapping);
            return false;
        }
        return true;
    }

    static boolean absent(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull();
    }

    private <T> Optional<T> read(JsonNode node, String path, Class<T> type) {
        ObjectReader reader = MAPPER.readerFor(type).withAttribute(SINK, this).withAttribute(BASE, path)
                .withHandler(new Handler(path));
        try (JsonParser parser = MAPPER.treeAsTokens(node)) {
            return Optional.ofNullable(reader.readValue(parser));
        } catch (JsonMappingException e) {
            // A shape no handler could step over: reported where it is, and this part is not used.
            problem(join(path, pathOf(e)), "cannot be read: " + e.getOriginalMessage());
            return Optional.empty();
        } catch (IOException e) {
            problem(path, "cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void validate(Object value, String path) {
        List<ConstraintViolation<Object>> violations = new ArrayList<>(VALIDATOR.validate(value));
        violations.sort(Comparator.comparing(v -> yamlPath(v.getPropertyPath())));
        for (ConstraintViolation<Object> v : violations) {
            String at = join(path, yamlPath(v.getPropertyPath()));
            if (hasProblemsAt(at)) {
                continue; // the value was there but unreadable: already reported as such
            }
            String message = v.getMessage();
            if (v.getConstraintDescriptor().getAnnotation() instanceof Range
                    || v.getConstraintDescriptor().getAnnotation() instanceof DurationRange) {
                message += ", got " + (v.getInvalidValue() instanceof BigDecimal d ? d.toPlainString() : v.getInvalidValue());
            }
            problem(at, message);
        }
    }

    /** A Bean Validation path in the file's spelling: {@code deployments[3].simulated.failure-rate}. */
    private static String yamlPath(Path path) {
        StringBuilder out = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getIndex() != null) {
                out.append('[').append(node.getIndex()).append(']');
            } else if (node.getKey() != null) {
                out.append('.').append(node.getKey());
            }
            if (node.getKind() == jakarta.validation.ElementKind.PROPERTY) {
                out.append('.').append(PropertyNamingStrategies.KebabCaseStrategy.INSTANCE.translate(node.getName()));
            }
        }
        return out.toString();
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            out.append(r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "." + r.getFieldName());
        }
        return out.toString();
    }

    /** The path of the value the parser is at, relative to the bound node ({@code .price.input}). */
    private static String relativePath(JsonParser p) {
        JsonStreamContext context = p.getParsingContext();
        JsonToken token = p.currentToken();
        if (token != null && token.isStructStart() && context != null) {
            context = context.getParent(); // the value is a mapping or list: its place is in the parent
        }
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        return String.join("", parts);
    }

    private static String join(String base, String relative) {
        if (base.isEmpty()) {
            return relative.startsWith(".") ? relative.substring(1) : relative;
        }
        return base + relative;
    }

    private static ConfigBinder sink(DeserializationContext ctxt) {
        return (ConfigBinder) ctxt.getAttribute(SINK);
    }

    private static String base(DeserializationContext ctxt) {
        return (String) ctxt.getAttribute(BASE);
    }

    /** Where a scalar deserializer reports; {@link #problem} binds null. */
    record At(ConfigBinder binder, String path) {
        <T> T problem(String message) {
            binder.problem(path, message);
            return null;
        }
    }

    /** Reads one scalar from its text; a mapping or list in its place is reported as {@code shapeMessage}. */
    private static final class Scalar<T> extends JsonDeserializer<T> {
        private final String shapeMessage;
        private final java.util.function.BiFunction<String, At, T> parse;

        Scalar(String shapeMessage, java.util.function.BiFunction<String, At, T> parse) {
            this.shapeMessage = shapeMessage;
            this.parse = parse;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            At at = new At(sink(ctxt), join(base(ctxt), relativePath(p)));
            if (p.currentToken().isStructStart()) {
                p.skipChildren();
                return at.problem(shapeMessage);
            }
            return parse.apply(p.getText().trim(), at);
        }
    }

    private static Long wholeNumber(String text, At at) {
        try {
            return new BigDecimal(text.replace("_", "")).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return at.problem("must be a whole number, got '" + text + "'");
        }
    }

    /** One of a fixed set of names, matched case-insensitively with {@code -} and {@code _} alike. */
    private static <E extends Enum<E>> Scalar<E> enumScalar(Class<E> type, Function<String, Optional<E>> parse) {
        return new Scalar<>("must be a single value", (text, at) -> parse.apply(text).orElseGet(() -> {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            return at.problem("unknown value '" + text + "' (expected one of " + String.join(", ", names) + ")");
        }));
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

    /** A duration written {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT2S}). */
    static Optional<Duration> parseDuration(String text) {
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
            return Optional.empty();
        }
    }

    /** Unknown keys and values of the wrong shape: reported at their path, skipped, bound as null. */
    private static final class Handler extends DeserializationProblemHandler {
        private final String base;

        Handler(String base) {
            this.base = base;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                Object beanOrClass, String propertyName) throws IOException {
            Collection<Object> known = deserializer.getKnownPropertyNames();
            List<String> names = known == null ? List.of() : known.stream().map(String::valueOf).sorted().toList();
            String at = join(base, relativePath(p));
            if (!at.endsWith(propertyName)) {
                at = join(at, "." + propertyName);
            }
            sink(ctxt).problem(at, "unknown key (expected one of " + String.join(", ", names) + ")");
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                String failureMsg) throws IOException {
            String at = join(base, relativePath(p));
            p.skipChildren();
            sink(ctxt).problem(at, shape(targetType.getRawClass()));
            return null;
        }

        @Override
        public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                ValueInstantiator valueInsta, JsonParser p, String msg) throws IOException {
            String at = join(base, relativePath(p));
            p.skipChildren();
            sink(ctxt).problem(at, shape(instClass));
            return null;
        }

        private static String shape(Class<?> expected) {
            if (Collection.class.isAssignableFrom(expected) || expected.isArray()) {
                return "must be a list";
            }
            if (Map.class.isAssignableFrom(expected) || expected.isRecord() || JsonNode.class.isAssignableFrom(expected)) {
                return NOT_A_MAPPING;
            }
            return "must be a single value";
        }
    }
}

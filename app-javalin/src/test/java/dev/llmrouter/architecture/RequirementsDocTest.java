package dev.llmrouter.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/requirements.md} and the test sources say the same thing, so a newcomer who looks up
 * "Requirement 5.4" finds every test that proves it and no test that is gone: every test class the
 * page lists exists in the module it names, and every test class that names a requirement or
 * property in its display names or javadoc is listed under that number.
 */
@DisplayName("docs/requirements.md lists exactly the tests that name each requirement and property")
class RequirementsDocTest {

    private static final Pattern ENTRY = Pattern.compile("^### (Requirement \\d+\\.\\d+|Property \\d+)\\b");
    private static final Pattern MODULE_LIST = Pattern.compile("`([a-z-]+)`: ((?:`[A-Za-z0-9]+`(?:, )?)+)");
    private static final Pattern CLASS_NAME = Pattern.compile("`([A-Za-z0-9]+)`");
    private static final String NUMBER = "\\d+(?:\\.\\d+)?";
    private static final Pattern CITATION = Pattern.compile("(Requirements?|Propert(?:y|ies))\\s+(" + NUMBER
            + "(?:\\s*(?:,\\s*and|,|/|–|-|and)\\s*" + NUMBER + ")*)");
    private static final Pattern RANGE = Pattern.compile("(" + NUMBER + ")\\s*[–-]\\s*(" + NUMBER + ")");
    private static final Pattern TEST_ANNOTATION = Pattern.compile(
            "@(Test|FuzzTest|ParameterizedTest|RepeatedTest|TestFactory)\\b");

    /** This class quotes citations as examples: it proves none. */
    private static final String SELF = "app-javalin:" + RequirementsDocTest.class.getSimpleName();

    private static Path root;
    /** "Requirement 5.4" to its listed tests, each as "module:Class"; empty when not yet built. */
    private static Map<String, Set<String>> page;

    @BeforeAll
    static void readThePage() throws IOException {
        root = repositoryRoot();
        page = parse(Files.readAllLines(root.resolve("docs/requirements.md"), StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("the page has an entry for every requirement 1.1–10.3 and every property")
    void everyNumberHasAnEntry() {
        assertThat(page.keySet()).contains("Requirement 1.1", "Requirement 5.4", "Requirement 9.5",
                "Requirement 10.3", "Property 1", "Property 17", "Property 27");
        assertThat(page).as("50 requirements, 15 properties").hasSize(50 + 15);
    }

    @Test
    @DisplayName("every test class the page lists exists in the module it names")
    void everyListedTestExists() throws IOException {
        Map<String, Path> tests = testSources();
        List<String> missing = new ArrayList<>();
        page.forEach((number, listed) -> listed.stream()
                .filter(test -> !tests.containsKey(test))
                .forEach(test -> missing.add(number + ": " + test)));
        assertThat(missing).as("listed on the page, but no such test source").isEmpty();
    }

    @Test
    @DisplayName("every test class that names a requirement or property is listed under it")
    void everyCitationIsListed() throws IOException {
        List<String> unlisted = new ArrayList<>();
        for (Map.Entry<String, Path> test : testSources().entrySet()) {
            String source = Files.readString(test.getValue(), StandardCharsets.UTF_8);
            if (!TEST_ANNOTATION.matcher(source).find() || test.getKey().equals(SELF)) {
                continue;
            }
            for (String number : citations(source)) {
                Set<String> listed = page.get(number);
                if (listed == null || !listed.contains(test.getKey())) {
                    unlisted.add(number + ": " + test.getKey());
                }
            }
        }
        assertThat(unlisted).as("named by a test, but not listed under that number on the page").isEmpty();
    }

    @Test
    @DisplayName("the citation reader expands lists and ranges, and leaves sections alone")
    void citationsAreRead() {
        assertThat(citations("/** Requirements 1.4, 1.6, 3.3, 5.3–5.5 and Property 17; Properties 19-21. */"))
                .containsExactlyInAnyOrder("Requirement 1.4", "Requirement 1.6", "Requirement 3.3",
                        "Requirement 5.3", "Requirement 5.4", "Requirement 5.5", "Property 17",
                        "Property 19", "Property 20", "Property 21");
        assertThat(citations("@DisplayName(\"Requirement 2.3/2.6: streaming\") Requirement 6: breakers"))
                .containsExactlyInAnyOrder("Requirement 2.3", "Requirement 2.6");
    }

    /** The specific numbers {@code source} names ("Requirement 5.4", "Property 17"); a whole section is left out. */
    static Set<String> citations(String source) {
        Set<String> numbers = new TreeSet<>();
        Matcher m = CITATION.matcher(source);
        while (m.find()) {
            boolean requirement = m.group(1).startsWith("Requirement");
            for (String part : m.group(2).split("\\s*(?:,\\s*and|,|/|and)\\s*")) {
                for (String n : expand(part.strip())) {
                    if (requirement == n.contains(".")) {
                        numbers.add((requirement ? "Requirement " : "Property ") + n);
                    }
                }
            }
        }
        return numbers;
    }

    private static List<String> expand(String part) {
        Matcher range = RANGE.matcher(part);
        if (!range.matches()) {
            return List.of(part);
        }
        String from = range.group(1);
        String to = range.group(2);
        String prefix = from.contains(".") ? from.substring(0, from.indexOf('.') + 1) : "";
        int first = Integer.parseInt(from.substring(prefix.length()));
        int last = Integer.parseInt(to.substring(to.indexOf('.') + 1));
        List<String> numbers = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            numbers.add(prefix + i);
        }
        return numbers;
    }

    private static Map<String, Set<String>> parse(List<String> lines) {
        Map<String, Set<String>> entries = new LinkedHashMap<>();
        String current = null;
        for (String line : lines) {
            Matcher entry = ENTRY.matcher(line);
            if (entry.find()) {
                current = entry.group(1);
                assertThat(entries).as("one entry per number").doesNotContainKey(current);
                entries.put(current, new TreeSet<>());
            } else if (current != null && line.startsWith("Tests: ")) {
                Matcher modules = MODULE_LIST.matcher(line);
                while (modules.find()) {
                    Matcher names = CLASS_NAME.matcher(modules.group(2));
                    while (names.find()) {
                        entries.get(current).add(modules.group(1) + ":" + names.group(1));
                    }
                }
                assertThat(entries.get(current).isEmpty()).as(current + " lists tests or says not yet built: " + line)
                        .isEqualTo(line.equals("Tests: not yet built."));
                current = null;
            }
        }
        assertThat(current).as("the last entry has its Tests: line").isNull();
        return entries;
    }

    /** Every test source of every module, as "module:Class" to its path. */
    private static Map<String, Path> testSources() throws IOException {
        Map<String, Path> sources = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/test/java"))).collect(Collectors.toList())) {
                try (Stream<Path> files = Files.walk(module.resolve("src/test/java"))) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                        String name = f.getFileName().toString();
                        sources.put(module.getFileName() + ":" + name.substring(0, name.length() - 5), f);
                    });
                }
            }
        }
        return sources;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/requirements.md"))) {
                return dir;
            }
        }
        throw new UncheckedIOException(new IOException("docs/requirements.md not found above " + Path.of("").toAbsolutePath()));
    }
}

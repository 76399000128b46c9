package dev.llmrouter.chaos;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text exposition: enough to read counters and gauges by name and labels. */
final class PrometheusScrape {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String name, Map<String, String> labels, double value) {}

    private final java.util.List<Sample> samples = new java.util.ArrayList<>();
    private final String text;

    PrometheusScrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
    }

    String text() {
        return text;
    }

    /** The sum of every sample named {@code name} whose labels include {@code match}. */
    double sum(String name, Map<String, String> match) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(match.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    /** {@code llm_router_breaker_transitions_total} of one deployment, keyed "from->to". */
    Map<String, Long> breakerTransitions(String deployment) {
        Map<String, Long> out = new TreeMap<>();
        samples.stream().filter(s -> s.name().equals("llm_router_breaker_transitions_total"))
                .filter(s -> deployment.equals(s.labels().get("deployment")))
                .forEach(s -> out.merge(s.labels().get("from") + "->" + s.labels().get("to"), (long) s.value(), Long::sum));
        return out;
    }

    /** Breaker transitions of every deployment. */
    Map<String, Map<String, Long>> allBreakerTransitions() {
        Map<String, Map<String, Long>> out = new HashMap<>();
        samples.stream().filter(s -> s.name().equals("llm_router_breaker_transitions_total"))
                .forEach(s -> out.computeIfAbsent(s.labels().get("deployment"), k -> new TreeMap<>())
                        .merge(s.labels().get("from") + "->" + s.labels().get("to"), (long) s.value(), Long::sum));
        return out;
    }
}
